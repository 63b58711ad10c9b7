package mapping

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/text/currency"
	"golang.org/x/text/unicode/norm"
)

// ParseCurrency returns the ISO 4217 code named by code, in upper case
// ("jpy" gives "JPY"), or an error when it names no currency.
func ParseCurrency(code string) (string, error) {
	u, err := currency.ParseISO(strings.TrimSpace(norm.NFKC.String(code)))
	if err != nil {
		return "", &ParseError{Value: code, What: "a currency", Reason: "not an ISO 4217 code (like JPY, USD, EUR)"}
	}
	return u.String(), nil
}

// minorDigits returns the number of decimal places of an ISO currency:
// 0 for JPY, 2 for USD and EUR, 3 for BHD.
func minorDigits(code string) (string, int, error) {
	iso, err := ParseCurrency(code)
	if err != nil {
		return "", 0, err
	}
	scale, _ := currency.Standard.Rounding(currency.MustParseISO(iso))
	return iso, scale, nil
}

// ParseAmount reads a money amount as exports write it and returns it in
// minor units of the ISO 4217 currency code (yen for JPY, cents for USD):
// "1,234", "¥1,234", "1,234円", "$12.34", "USD 12.34". The text is
// NFKC-normalized first, so full-width forms (￥１，２３４) read like plain
// ones; in a Shift_JIS file the yen sign often arrives as a backslash, which
// is read as ¥.
//
// Negative amounts are written "-500", "−500", "△500" or "▲500" (Japanese
// accounting) or "(500)". Commas must group thousands. More decimal places
// than the currency has ("12.345" USD, "12.5" JPY) are an error, but extra
// zeros are not ("1200.00" JPY is 1200). A currency sign that does not fit
// the currency ("$12" for JPY), an unknown currency, an amount beyond int64
// and an empty string are errors; callers decide whether blank is allowed.
func ParseAmount(s, code string) (int64, error) {
	iso, scale, err := minorDigits(code)
	if err != nil {
		return 0, err
	}
	fail := func(format string, args ...any) (int64, error) {
		return 0, &ParseError{Value: s, What: "an amount", Reason: fmt.Sprintf(format, args...)}
	}
	t := strings.TrimSpace(norm.NFKC.String(s))
	if t == "" {
		return fail("it is empty")
	}

	neg, signs := false, 0
	sign := func(negative bool) {
		neg = negative
		signs++
	}
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		sign(true)
		t = strings.TrimSpace(t[1 : len(t)-1])
	}
	var symbols []string
	// Signs and currency signs before the number, in any order: "-¥500",
	// "¥-500", "△ 500", "USD 12.34".
	for {
		t = strings.TrimLeft(t, " ")
		if _, ok := cutAny(&t, "-", "−", "△", "▲"); ok {
			sign(true)
			continue
		}
		if _, ok := cutAny(&t, "+"); ok {
			sign(false)
			continue
		}
		if sym, ok := cutAny(&t, "US$", "¥", `\`, "$", "€", "£"); ok {
			symbols = append(symbols, sym)
			continue
		}
		if len(t) >= 3 && isCurrencyCode(t[:3]) {
			symbols = append(symbols, strings.ToUpper(t[:3]))
			t = t[3:]
			continue
		}
		break
	}
	// Currency after the number: "1,234円", "12.34 USD", "12.34 €".
	for {
		t = strings.TrimRight(t, " ")
		if sym, ok := cutSuffixAny(&t, "円", "€", "£"); ok {
			symbols = append(symbols, sym)
			continue
		}
		if len(t) >= 3 && isCurrencyCode(t[len(t)-3:]) {
			symbols = append(symbols, strings.ToUpper(t[len(t)-3:]))
			t = t[:len(t)-3]
			continue
		}
		break
	}
	if signs > 1 {
		return fail("it has more than one sign")
	}
	for _, sym := range symbols {
		if !symbolFits(sym, iso) {
			return fail("%s is not a sign for %s", sym, iso)
		}
	}

	if i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != ',' && r != '.' }); i >= 0 {
		bad := []rune(t[i:])[0]
		if j := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && !strings.ContainsRune(",. ", r) }); j >= 0 {
			bad = []rune(t[j:])[0] // name the stray letter rather than the space before it
		}
		return fail("unexpected %q; write digits, commas for thousands and . for decimals", bad)
	}
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" && frac == "" {
		return fail("it has no digits")
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return fail("misplaced comma: commas group thousands, like 1,234,567")
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return fail("misplaced comma: commas group thousands, like 1,234,567")
			}
		}
		whole = strings.Join(groups, "")
	}
	if strings.Contains(frac, ".") || strings.Contains(frac, ",") {
		return fail("write digits, commas for thousands and one . for decimals")
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > scale {
		if scale == 0 {
			return fail("%s has no minor unit, so no decimals", iso)
		}
		return fail("%s has %d decimal places, and this has %d", iso, scale, len(frac))
	}
	frac += strings.Repeat("0", scale-len(frac))

	var v int64
	for _, c := range whole + frac {
		d := int64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return fail("it is too large")
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, nil
}

// symbolFits reports whether a currency sign written with an amount may
// stand for the currency iso.
func symbolFits(sym, iso string) bool {
	switch sym {
	case "¥":
		return iso == "JPY" || iso == "CNY"
	case "円", `\`:
		return iso == "JPY"
	case "US$":
		return iso == "USD"
	case "$":
		return strings.HasSuffix(iso, "D") // the dollars: USD, CAD, AUD, HKD, ...
	case "€":
		return iso == "EUR"
	case "£":
		return iso == "GBP"
	default:
		return sym == iso
	}
}

// isCurrencyCode reports whether s is three ASCII letters naming an ISO
// 4217 currency.
func isCurrencyCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	_, err := currency.ParseISO(s)
	return err == nil
}

// cutAny removes the first of prefixes that *s starts with.
func cutAny(s *string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(*s, p); ok {
			*s = rest
			return p, true
		}
	}
	return "", false
}

// cutSuffixAny removes the first of suffixes that *s ends with.
func cutSuffixAny(s *string, suffixes ...string) (string, bool) {
	for _, x := range suffixes {
		if rest, ok := strings.CutSuffix(*s, x); ok {
			*s = rest
			return x, true
		}
	}
	return "", false
}
