package csv

import (
	"fmt"
	"strings"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/mapping"
	"golang.org/x/text/unicode/norm"
)

// customerRow reads a customers row as an Identity. Blank values are "not
// given"; values are passed on as written, trimmed, for mapping to
// normalize.
func customerRow(s *stream, r *row, pg *connectors.Page) {
	id := connectors.Identity{ExternalID: r.id, Raw: r.raw()}
	var bad []fieldProblem
	for _, c := range r.lay.mapped {
		v := r.value(c.idx)
		if v == "" {
			continue
		}
		switch c.field {
		case fieldFullName:
			id.FullName = v
		case fieldFamilyName:
			id.FamilyName = v
		case fieldGivenName:
			id.GivenName = v
		case fieldNameKana:
			id.NameKana = v
		case fieldEmail:
			id.Emails = append(id.Emails, v)
		case fieldPhone:
			id.Phones = append(id.Phones, v)
		case fieldPostalCode:
			id.PostalCode = v
		case fieldAddress:
			id.Address = v
		case fieldCompany:
			id.Company = v
		case fieldBirthday:
			d, err := mapping.ParseDate(v)
			if err != nil {
				bad = append(bad, fieldProblem{c, err.Error()})
				continue
			}
			id.Birthday = d
		case fieldUpdatedAt:
			t, err := mapping.ParseTime(v, s.loc)
			if err != nil {
				bad = append(bad, fieldProblem{c, err.Error()})
				continue
			}
			id.UpdatedAt = t
		case fieldConsent:
			b, err := parseConsent(v)
			if err != nil {
				bad = append(bad, fieldProblem{c, err.Error()})
				continue
			}
			id.MarketingConsent = &b
		}
	}
	if len(bad) > 0 {
		pg.Rejects = append(pg.Rejects, s.rejectFields(r, bad))
		return
	}
	pg.Identities = append(pg.Identities, id)
}

// purchaseRow reads a purchases row as an Activity: a purchase, or a
// refund when the amount is negative (a return slip, 赤伝).
func purchaseRow(s *stream, r *row, pg *connectors.Page) {
	a := connectors.Activity{
		ExternalID:         r.id,
		Kind:               connectors.KindPurchase,
		IdentityExternalID: r.value(r.lay.customerIdx),
		Raw:                r.raw(),
	}
	var (
		bad        []fieldProblem
		currency   = s.spec.currency
		currencyOK = true
		amount     string
		amountCol  column
	)
	for _, c := range r.lay.mapped {
		v := r.value(c.idx)
		switch c.field {
		case fieldOccurredAt:
			if v == "" {
				bad = append(bad, fieldProblem{c, "no " + c.header})
				continue
			}
			t, err := mapping.ParseTime(v, s.loc)
			if err != nil {
				bad = append(bad, fieldProblem{c, err.Error()})
				continue
			}
			a.OccurredAt = t
		case fieldAmount:
			amount, amountCol = v, c
		case fieldSummary:
			a.Summary = v
		case fieldCurrency:
			if v == "" {
				continue
			}
			code, err := mapping.ParseCurrency(v)
			if err != nil {
				bad = append(bad, fieldProblem{c, err.Error()})
				currencyOK = false
				continue
			}
			currency = code
		}
	}
	if amount != "" && currencyOK {
		n, err := mapping.ParseAmount(amount, currency)
		switch {
		case err != nil:
			bad = append(bad, fieldProblem{amountCol, err.Error()})
		case n < 0:
			a.Kind = connectors.KindRefund
			n = -n // ParseAmount never returns math.MinInt64
			fallthrough
		default:
			a.Amount, a.Currency = &n, currency
		}
	}
	if len(bad) > 0 {
		pg.Rejects = append(pg.Rejects, s.rejectFields(r, bad))
		return
	}
	pg.Activities = append(pg.Activities, a)
}

// parseConsent reads a yes/no cell: true/false, yes/no, y/n, 1/0, はい/いいえ,
// 可/不可, 有/無, ○/× and their full-width forms.
func parseConsent(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(norm.NFKC.String(s))) {
	case "true", "yes", "y", "1", "はい", "可", "有", "○", "〇", "◯":
		return true, nil
	case "false", "no", "n", "0", "いいえ", "不可", "無", "×", "✕", "✗":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a yes or no (write 1/0, yes/no, true/false, はい/いいえ, 可/不可 or ○/×)", s)
}
