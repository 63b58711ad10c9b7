// Package mapping turns what sources say about people into comparable form
// (names, kana, emails, phones, dates, money) and decides which identities
// are one person. It is pure: no database, no network, so it can be tested
// and benchmarked alone.
package mapping
