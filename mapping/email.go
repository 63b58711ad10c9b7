package mapping

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// EmailKey returns the comparable form of an email address: folded (so
// full-width ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ reads as ASCII), lower case,
// without spaces, a "mailto:" prefix or the display name and angle brackets
// of `Name <addr>`. It returns "" for something that is not an address.
//
// Provider rules apply only where the provider has them. At gmail.com and
// googlemail.com (written gmail.com) dots in the local part are ignored and
// a "+tag" is dropped. At providers with plus-addressing (outlook.com,
// hotmail.com, hotmail.co.jp, live.com, live.jp, icloud.com, me.com,
// mac.com, fastmail.com, protonmail.com, proton.me) a "+tag" is dropped and
// dots are kept. Elsewhere '+' and '.' are part of the address: Japanese
// carriers (docomo.ne.jp, ezweb.ne.jp, au.com, softbank.ne.jp,
// i.softbank.jp) allow dots in odd places, and they are kept.
func EmailKey(s string) string {
	s = Fold(s)
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		}
	}
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i] // a comment: "taro@example.com (Taro)"
	}
	s = strings.ToLower(strings.ReplaceAll(s, " ", ""))
	if !isASCII(s) {
		// Without the spaces, marks NFKC had kept apart may compose.
		s = norm.NFKC.String(s)
	}
	for {
		s = strings.Trim(s, `<>"'.,;:()[]`)
		rest, ok := strings.CutPrefix(s, "mailto:")
		if !ok {
			break
		}
		s, _, _ = strings.Cut(rest, "?")
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return ""
	}
	local, domain := s[:at], s[at+1:]
	if !validDomain(domain) {
		return ""
	}
	switch domain {
	case "gmail.com", "googlemail.com":
		domain = "gmail.com"
		local, _, _ = strings.Cut(local, "+")
		local = strings.ReplaceAll(local, ".", "")
	case "outlook.com", "hotmail.com", "hotmail.co.jp", "live.com", "live.jp",
		"icloud.com", "me.com", "mac.com", "fastmail.com", "protonmail.com", "proton.me":
		local, _, _ = strings.Cut(local, "+")
	default:
		return s
	}
	if local == "" {
		return ""
	}
	return local + "@" + domain
}

// validDomain reports whether d looks like a mail domain: labels of
// letters, digits and hyphens (or non-ASCII letters, for international
// names) joined by single dots, at least two of them.
func validDomain(d string) bool {
	if !strings.Contains(d, ".") || d[0] == '.' || d[len(d)-1] == '.' || strings.Contains(d, "..") {
		return false
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		switch {
		case c >= utf8.RuneSelf, 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.':
		default:
			return false
		}
	}
	return true
}

// junkEmailDomains are domains reserved for examples and tests, and their
// subdomains.
var junkEmailDomains = []string{
	"example.com", "example.net", "example.org", "example.jp", "example.co.jp",
	"example.ne.jp", "test.com", "test.jp", "test.co.jp",
}

// junkEmailTLDs are top-level domains that never deliver mail (RFC 2606,
// RFC 6762).
var junkEmailTLDs = map[string]bool{
	"invalid": true, "localhost": true, "test": true, "example": true, "local": true,
}

// junkEmailLocals are local parts that name no person. A local part that
// is one of them followed by digits ("test1", "dummy01") is junk too.
var junkEmailLocals = map[string]bool{
	"noreply": true, "no-reply": true, "no_reply": true, "donotreply": true,
	"do-not-reply": true, "do_not_reply": true, "mailer-daemon": true,
	"postmaster": true, "dummy": true, "test": true, "none": true, "nomail": true,
	"no-mail": true, "no_mail": true, "null": true, "sample": true, "n/a": true,
	"nobody": true, "unknown": true, "example": true,
}

// IsJunkEmail reports whether an email key (EmailKey) is a placeholder that
// must never link people: an address at a domain reserved for examples or
// tests (example.com, .net, .org, .jp, example.co.jp, test.com, test.jp and
// their subdomains; the TLDs invalid, localhost, test, example, local), or
// with a local part such as noreply, no-reply, donotreply, mailer-daemon,
// postmaster, dummy, test, none, nomail, null, sample, n/a (also followed by
// digits, and before a "+tag"), or made of one character repeated ("x",
// "xxx", "aaa"). Text that is not an address at all is junk too; "" is not.
func IsJunkEmail(key string) bool {
	if key == "" {
		return false
	}
	at := strings.LastIndexByte(key, '@')
	if at < 0 {
		return true
	}
	local, domain := strings.ToLower(key[:at]), strings.ToLower(key[at+1:])
	for _, d := range junkEmailDomains {
		if domain == d || (strings.HasSuffix(domain, d) && domain[len(domain)-len(d)-1] == '.') {
			return true
		}
	}
	if junkEmailTLDs[domain[strings.LastIndexByte(domain, '.')+1:]] {
		return true
	}
	if base, _, ok := strings.Cut(local, "+"); ok && base != "" {
		local = base
	}
	if junkEmailLocals[strings.TrimRight(local, "0123456789")] || junkEmailLocals[local] {
		return true
	}
	return repeatsOneRune(local)
}

// repeatsOneRune reports whether s is one rune written one or more times.
func repeatsOneRune(s string) bool {
	if s == "" {
		return true
	}
	first, n := utf8.DecodeRuneInString(s)
	for _, r := range s[n:] {
		if r != first {
			return false
		}
	}
	return true
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
