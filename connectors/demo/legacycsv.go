package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// legacyCSVSource is the salon's old register, retired when it moved to
// Square: its customer list and sales ledger exported as Shift_JIS CSV,
// as Japanese Excel writes them, with full-width digits, katakana
// readings and 和暦 birthdays.
type legacyCSVSource struct {
	w         *World
	rng       *rand.Rand
	customers [][]string
	sales     [][]string
	numbers   map[int]string // person → 顧客番号
}

func newLegacyCSV(w *World) *legacyCSVSource {
	return &legacyCSVSource{w: w, rng: rand.New(rand.NewPCG(7, 4)), numbers: map[int]string{}}
}

func (s *legacyCSVSource) Name() string          { return "legacy_register" }
func (s *legacyCSVSource) Handler() http.Handler { return nil }

func (s *legacyCSVSource) Record(h Happening) error {
	if h.Kind != Purchase || !h.Register {
		return nil
	}
	no := s.customer(h.Person)
	names := make([]string, len(h.Items))
	for i, it := range h.Items {
		names[i] = it.name
	}
	s.sales = append(s.sales, []string{fmt.Sprintf("R%06d", len(s.sales)+1), h.At.In(tokyo).Format("2006/01/02"),
		no, fmt.Sprint(h.Total()), strings.Join(names, "・")})
	return nil
}

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return time.FixedZone("JST", 9*3600)
	}
	return loc
}()

func (s *legacyCSVSource) Owners() map[string]int {
	out := make(map[string]int, len(s.numbers))
	for person, no := range s.numbers {
		out[no] = person
	}
	return out
}

func (s *legacyCSVSource) customer(p *Person) string {
	if no, ok := s.numbers[p.ID]; ok {
		return no
	}
	no := fmt.Sprintf("%05d", len(s.numbers)+1)
	s.numbers[p.ID] = no
	phone := fmt.Sprintf("%s-%s-%s", p.Mobile[:3], p.Mobile[3:7], p.Mobile[7:])
	if s.rng.Float64() < 0.4 {
		phone = fullWidth(phone)
	}
	email := ""
	if s.rng.Float64() < 0.6 {
		email = p.Email
	}
	birthday := ""
	if !p.Birthday.IsZero() {
		birthday = wareki(p.Birthday)
		if s.rng.Float64() < 0.4 {
			birthday = p.Birthday.Format("2006/1/2")
		}
	}
	addr := p.Home.pref + p.Home.city + p.Home.town + p.Street
	if s.rng.Float64() < 0.5 {
		addr = p.Home.city + p.Home.town + fullWidth(p.Street)
	}
	s.customers = append(s.customers, []string{no, p.Family.kanji + "\u3000" + p.Given.kanji,
		p.Family.kana + "\u3000" + p.Given.kana, phone, email, birthday, p.Home.postal, addr})
	return no
}

func (s *legacyCSVSource) Connector(_, dir string) (Connector, error) {
	if err := writeShiftJIS(dir, "exports/customers.csv", append([][]string{
		{"顧客番号", "氏名", "フリガナ", "電話番号", "メールアドレス", "生年月日", "郵便番号", "住所"}}, s.customers...)); err != nil {
		return Connector{}, err
	}
	if err := writeShiftJIS(dir, "exports/sales.csv", append([][]string{
		{"伝票番号", "日付", "顧客番号", "金額", "商品"}}, s.sales...)); err != nil {
		return Connector{}, err
	}
	return Connector{Name: s.Name(), Type: "csv", Options: map[string]any{
		"customers": map[string]any{"path": "exports/customers.csv", "id_column": "顧客番号", "encoding": "shift_jis",
			"columns": map[string]string{"氏名": "full_name", "フリガナ": "name_kana", "電話番号": "phone", "メールアドレス": "email",
				"生年月日": "birthday", "郵便番号": "postal_code", "住所": "address"}},
		"purchases": map[string]any{"path": "exports/sales.csv", "id_column": "伝票番号", "customer_column": "顧客番号",
			"encoding": "shift_jis", "currency": "JPY",
			"columns": map[string]string{"日付": "occurred_at", "金額": "amount", "商品": "summary"}},
	}}, nil
}

func writeShiftJIS(dir, rel string, rows [][]string) error {
	var utf8 bytes.Buffer
	cw := csv.NewWriter(&utf8)
	cw.UseCRLF = true
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	sjis, _, err := transform.Bytes(japanese.ShiftJIS.NewEncoder(), utf8.Bytes())
	if err != nil {
		return fmt.Errorf("%s: encoding Shift_JIS: %w", rel, err)
	}
	return writeFile(dir, rel, sjis)
}

// fullWidth turns ASCII digits and hyphens into their full-width forms.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r - '0' + '０'
		case r == '-':
			return '－'
		}
		return r
	}, s)
}

// wareki writes a date in the Japanese era calendar, as 昭和60年4月12日.
func wareki(t time.Time) string {
	y, m, d := t.Date()
	era, base := "令和", 2018
	switch {
	case t.Before(time.Date(1989, 1, 8, 0, 0, 0, 0, time.UTC)):
		era, base = "昭和", 1925
	case t.Before(time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC)):
		era, base = "平成", 1988
	}
	ys := fmt.Sprint(y - base)
	if y-base == 1 {
		ys = "元"
	}
	return fmt.Sprintf("%s%s年%d月%d日", era, ys, int(m), d)
}
