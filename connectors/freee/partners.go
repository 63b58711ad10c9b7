package freee

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors"
)

// partnersStream reads GET /api/1/partners by offset and limit. freee
// filters partners by update date only as a JST date (start_update_date),
// so each run starts OverlapDays before the JST date the last complete run
// started and relies on idempotent upserts for what it reads again.
type partnersStream struct {
	c   *client
	log *slog.Logger
	now func() time.Time
}

func (s *partnersStream) Name() string { return "partners" }

func (s *partnersStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		o := s.c.opts
		company, err := s.c.companyID(ctx)
		if err != nil {
			yield(connectors.Page{}, fmt.Errorf("freee partners: %w", err))
			return
		}
		cur := sweep(parseCursor(cursor, s.log), s.now(), func(next time.Time) string {
			if next.IsZero() {
				return ""
			}
			return next.AddDate(0, 0, -o.OverlapDays).Format(dateLayout)
		})
		for {
			res, err := s.c.partners(ctx, company, cur.From, cur.Offset, o.PartnersPageSize)
			if err != nil {
				yield(connectors.Page{}, fmt.Errorf("freee partners (offset %d): %w", cur.Offset, err))
				return
			}
			var out connectors.Page
			for _, raw := range res.Partners {
				mapPartner(raw, &out)
			}
			last := len(res.Partners) < o.PartnersPageSize
			if last {
				out.Cursor = sweepCursor{Next: cur.Started}.String()
			} else {
				cur.Offset += len(res.Partners)
				out.Cursor = cur.String()
			}
			if !yield(out, nil) || last {
				return
			}
		}
	}
}

// orgCode 1 is a corporation (法人); 2 a sole proprietor (個人).
const orgCorporation = 1

// Partner is the part of a freee partner (取引先) the connector maps.
type Partner struct {
	ID                int64              `json:"id"`
	Code              *string            `json:"code"`
	Name              string             `json:"name"`
	LongName          *string            `json:"long_name"`
	NameKana          *string            `json:"name_kana"`
	Email             *string            `json:"email"`
	Phone             *string            `json:"phone"`
	ContactName       *string            `json:"contact_name"`
	OrgCode           *int               `json:"org_code"`
	UpdateDate        string             `json:"update_date"`
	AddressAttributes *AddressAttributes `json:"address_attributes"`
}

// AddressAttributes is a partner's address.
type AddressAttributes struct {
	Zipcode        *string `json:"zipcode"`
	PrefectureCode *int    `json:"prefecture_code"`
	StreetName1    *string `json:"street_name1"`
	StreetName2    *string `json:"street_name2"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// decodeError turns a JSON error into the field to blame and a reason.
func decodeError(err error) (field, reason string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field, "expected " + te.Type.String() + ", found a JSON " + te.Value
	}
	return "", err.Error()
}

// mapPartner maps one partner into out, or rejects it with its id.
func mapPartner(raw json.RawMessage, out *connectors.Page) {
	var p Partner
	if err := json.Unmarshal(raw, &p); err != nil {
		f, r := decodeError(err)
		out.Rejects = append(out.Rejects, reject("partners", raw, idOf(raw), f, r))
		return
	}
	if p.ID <= 0 {
		out.Rejects = append(out.Rejects, reject("partners", raw, 0, "id", "the partner has no id"))
		return
	}
	updated, err := parseDate(p.UpdateDate)
	if err != nil {
		out.Rejects = append(out.Rejects, reject("partners", raw, p.ID, "update_date", "update_date "+err.Error()))
		return
	}
	id := connectors.Identity{
		ExternalID: itoa(p.ID),
		FullName:   strings.TrimSpace(p.Name),
		NameKana:   str(p.NameKana),
		Company:    str(p.LongName),
		UpdatedAt:  updated,
		Raw:        withoutBankAccount(raw),
	}
	if id.Company == "" && p.OrgCode != nil && *p.OrgCode == orgCorporation {
		id.Company = id.FullName
	}
	if e := str(p.Email); e != "" {
		id.Emails = []string{e}
	}
	if ph := str(p.Phone); ph != "" {
		id.Phones = []string{ph}
	}
	if a := p.AddressAttributes; a != nil {
		id.PostalCode = str(a.Zipcode)
		id.Address = prefecture(a.PrefectureCode) + str(a.StreetName1)
		if s2 := str(a.StreetName2); s2 != "" {
			id.Address = strings.TrimSpace(id.Address + " " + s2)
		}
	}
	out.Identities = append(out.Identities, id)
}

// prefectures are freee's prefecture_code 0..46, in JIS order.
var prefectures = [...]string{"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
	"茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県",
	"石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県",
	"京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県",
	"山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県",
	"大分県", "宮崎県", "鹿児島県", "沖縄県"}

// prefecture names a prefecture_code; -1 (not set) and unknown codes are "".
func prefecture(code *int) string {
	if code == nil || *code < 0 || *code >= len(prefectures) {
		return ""
	}
	return prefectures[*code]
}

// withoutBankAccount drops partner_bank_account_attributes (the partner's
// bank account) from a partner's raw JSON: nayose has no use for it, and
// what it does not keep cannot leak.
func withoutBankAccount(raw json.RawMessage) json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return raw
	}
	if _, ok := m["partner_bank_account_attributes"]; !ok {
		return raw
	}
	delete(m, "partner_bank_account_attributes")
	b, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return b
}
