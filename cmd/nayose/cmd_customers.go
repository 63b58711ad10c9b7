package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/nayose/nayose/mapping"
	"github.com/nayose/nayose/store"
	"golang.org/x/text/currency"
	"gorm.io/gorm"
)

func cmdCustomers(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("say whom to find: nayose customers QUERY (an email, a phone number, a name or a customer id)")
	}
	query := strings.Join(args, " ")
	cfg, db, err := openConfigured(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	g := db.Gorm.WithContext(ctx)
	ids, how, err := findCustomers(g, query, cfg.Mapping.DefaultRegion, env.opts.limit)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		fmt.Fprintf(env.stdout, "No customer matches %q (searched by %s).\n", query, how)
		return exitError{code: 1}
	}
	fmt.Fprintf(env.stdout, "%s matching %q by %s:\n", plural(len(ids), "customer", "customers"), query, how)
	for _, id := range ids {
		if err := printCustomer(g, env.stdout, id, cfg.Timezone.Location, env.opts.limit); err != nil {
			return err
		}
	}
	return nil
}

// findCustomers returns the ids of customers matching query: by email when
// it has an @, by customer id (also a retired one) when it is a small
// number, by phone when it reads as one, else by name or kana.
func findCustomers(g *gorm.DB, query, region string, limit int) ([]int64, string, error) {
	var ids []int64
	fromIdentities := func(where string, args ...any) error {
		return g.Model(&store.Identity{}).Distinct("customer_id").Where(where, args...).Order("customer_id").Limit(limit).Pluck("customer_id", &ids).Error
	}
	if strings.Contains(query, "@") {
		err := fromIdentities("email_key = ?", mapping.EmailKey(query))
		return ids, "email", err
	}
	if n, err := strconv.ParseInt(query, 10, 64); err == nil && len(query) < 8 {
		var alias store.Alias
		if g.Where("retired_id = ?", n).Limit(1).Find(&alias).Error == nil && alias.CustomerID != 0 {
			n = alias.CustomerID
		}
		err := g.Model(&store.Customer{}).Where("id = ?", n).Pluck("id", &ids).Error
		return ids, "customer id", err
	}
	if phone := mapping.PhoneKey(query, region); phone != "" {
		err := fromIdentities("phone_key = ?", phone)
		return ids, "phone " + phone, err
	}
	like := "%" + escapeLike(mapping.NameKey(query)) + "%"
	plain := "%" + escapeLike(mapping.Fold(query)) + "%"
	err := fromIdentities("name_key LIKE ? OR name_kana LIKE ? OR full_name LIKE ?", like, plain, plain)
	return ids, "name", err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func printCustomer(g *gorm.DB, w io.Writer, id int64, loc *time.Location, limit int) error {
	var c store.Customer
	if err := g.First(&c, id).Error; err != nil {
		return fmt.Errorf("reading customer %d: %w", id, err)
	}
	at := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	fmt.Fprintf(w, "\n#%d %s", c.ID, orDash(c.DisplayName))
	if c.NameKana != "" {
		fmt.Fprintf(w, " (%s)", c.NameKana)
	}
	if c.RFMSegment != "" {
		fmt.Fprintf(w, "  [%s · %s, RFM %d%d%d]\n", c.LifecycleStage, c.RFMSegment, score(c.RFMRecency), score(c.RFMFrequency), score(c.RFMMonetary))
	} else {
		fmt.Fprintf(w, "  [%s]\n", c.LifecycleStage)
	}
	fmt.Fprintf(w, "  email %s  phone %s  birthday %s\n", orDash(c.Email), orDash(c.Phone), orDash(birthday(c)))
	if c.PostalCode != "" || c.Address != "" {
		fmt.Fprintf(w, "  address 〒%s %s\n", c.PostalCode, c.Address)
	}
	fmt.Fprintf(w, "  purchases %d  gross %s  refunds %s  net %s  last purchase %s  last activity %s\n",
		c.PurchaseCount, money(c.GrossSales, c.Currency), money(c.RefundTotal, c.Currency), money(c.NetSales, c.Currency),
		at(c.LastPurchaseAt), at(c.LastActivityAt))

	var idents []store.Identity
	g.Where("customer_id = ?", id).Order("source, external_id").Find(&idents)
	fmt.Fprintf(w, "  identities (%d; nayose split ID takes one out):\n", len(idents))
	for _, i := range idents {
		name := mapping.DisplayName(i.FullName, i.FamilyName, i.GivenName)
		fmt.Fprintf(w, "    %-6d %s/%s  %s  %s  %s\n", i.ID, i.Source, i.ExternalID, orDash(name), orDash(i.Email), orDash(i.Phone))
	}
	// Why the identities are one customer: the latest merges, with the
	// fields that decided them.
	var events []store.MergeEvent
	g.Where("customer_id = ? AND undone_at IS NULL", id).Order("id DESC").Limit(3).Find(&events)
	for _, e := range events {
		what := "identity " + strconv.FormatInt(deref(e.IdentityID), 10)
		if e.OtherCustomerID != nil {
			what = "customer " + strconv.FormatInt(*e.OtherCustomerID, 10)
		}
		why := e.Rule
		if e.Score != nil {
			why = fmt.Sprintf("score %.1f", *e.Score)
		}
		fmt.Fprintf(w, "  %s %s (%s, %s): %s\n", e.Action, what, e.Actor, why, reviewEvidence(e.Evidence))
	}
	var acts []store.Activity
	g.Where("customer_id = ?", id).Order("occurred_at DESC, id DESC").Limit(limit).Find(&acts)
	var total int64
	g.Model(&store.Activity{}).Where("customer_id = ?", id).Count(&total)
	fmt.Fprintf(w, "  activities (%d, newest first):\n", total)
	for _, a := range acts {
		amount := ""
		if a.Amount != nil {
			amount = money(*a.Amount, a.Currency)
		}
		fmt.Fprintf(w, "    %s  %-16s %10s  %s  (%s/%s)\n", a.OccurredAt.In(loc).Format("2006-01-02 15:04"), a.Kind, amount, a.Summary, a.Source, a.ExternalID)
	}
	return nil
}

func birthday(c store.Customer) string {
	if c.Birthday != nil {
		return c.Birthday.Format(time.DateOnly)
	}
	if c.BirthdayMD != "" {
		return "--" + c.BirthdayMD
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// money formats minor units for people: ¥12,000 or 12.34 USD.
func money(minor int64, cur string) string {
	if cur == "" {
		return strconv.FormatInt(minor, 10)
	}
	scale := 2
	if u, err := currency.ParseISO(cur); err == nil {
		scale, _ = currency.Standard.Rounding(u)
	}
	neg := minor < 0
	if neg {
		minor = -minor
	}
	div := int64(1)
	for range scale {
		div *= 10
	}
	whole := groupThousands(strconv.FormatInt(minor/div, 10))
	s := whole
	if scale > 0 {
		s += fmt.Sprintf(".%0*d", scale, minor%div)
	}
	if cur == "JPY" {
		s = "¥" + s
	} else {
		s += " " + cur
	}
	if neg {
		s = "-" + s
	}
	return s
}

func groupThousands(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func score(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
