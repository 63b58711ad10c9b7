package xero

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nayose/nayose/mapping"
)

// minorUnits converts a Xero amount, a JSON number kept as its decimal text
// (never a float64), into minor units of currency: "1234.56" USD is
// 123456, "5000.00" JPY is 5000. More decimals than the currency has
// (other than zeros), exponents and non-numbers are errors.
func minorUnits(n json.Number, currency string) (int64, error) {
	s := strings.TrimSpace(n.String())
	if s == "" {
		return 0, fmt.Errorf("no amount")
	}
	if strings.ContainsAny(s, "eE") {
		return 0, fmt.Errorf("amount %s is in exponent form", s)
	}
	if strings.ContainsAny(s, ",$¥€£") || strings.Count(s, ".") > 1 {
		return 0, fmt.Errorf("amount %q is not a decimal number", s)
	}
	v, err := mapping.ParseAmount(s, currency)
	if err != nil {
		return 0, fmt.Errorf("amount %s %s: %w", s, currency, err)
	}
	return v, nil
}

// amountText is an amount's text as Xero sent it: a JSON number as written
// (read as text, never through a float64), or the content of a string.
// What is neither comes back as is, for minorUnits to refuse.
func amountText(raw json.RawMessage) json.Number {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return json.Number(s)
	}
	return json.Number(strings.TrimSpace(string(raw)))
}
