package freeetest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// apiFunc answers an authenticated API request for company (0 when the
// route takes none) with a value to encode; it writes errors itself and
// then returns nil.
type apiFunc func(w http.ResponseWriter, q url.Values, company int64) any

// api wraps an endpoint with authentication, the company_id check and the
// daily quota.
func (s *Server) api(needsCompany bool, fn apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		s.mu.Lock()
		now := s.now()
		if !s.authorizedLocked(r.Header.Get("Authorization"), now) {
			s.mu.Unlock()
			writeError(w, http.StatusUnauthorized, "アクセストークンが無効です。")
			return
		}
		var company int64
		if needsCompany {
			raw := q.Get("company_id")
			if raw == "" {
				s.mu.Unlock()
				writeInvalid(w, "company_id は必須です。")
				return
			}
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id < 1 {
				s.mu.Unlock()
				writeInvalid(w, "company_id は1以上の整数で指定してください。")
				return
			}
			if !s.hasCompanyLocked(id) {
				s.mu.Unlock()
				writeError(w, http.StatusForbidden, "指定した事業所へのアクセス権限がありません。")
				return
			}
			company = id
			if s.quota > 0 {
				k := quotaKey(company, now)
				if s.quotaUsed[k] >= s.quota {
					s.mu.Unlock()
					writeThrottled(w)
					return
				}
				s.quotaUsed[k]++
			}
		}
		s.mu.Unlock()
		if out := fn(w, q, company); out != nil {
			writeJSON(w, http.StatusOK, out)
		}
	}
}

func (s *Server) authorizedLocked(header string, now time.Time) bool {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || tok == "" {
		return false
	}
	if !s.oauth {
		return tok == s.staticLocked()
	}
	exp, ok := s.access[tok]
	return ok && now.Before(exp)
}

func (s *Server) hasCompanyLocked(id int64) bool {
	for _, c := range s.companies {
		if c.ID == id {
			return true
		}
	}
	return false
}

func (s *Server) listCompanies(_ http.ResponseWriter, _ url.Values, _ int64) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]companyJSON, len(s.companies))
	for i, c := range s.companies {
		out[i] = companyJSON{ID: c.ID, Name: nullable(c.Name), NameKana: nullable(c.NameKana),
			DisplayName: c.DisplayName, CompanyNumber: c.CompanyNumber, Role: c.Role}
	}
	return map[string]any{"companies": out}
}

// paging reads offset and limit (1..max, default def); it answers 400 and
// returns false when they are wrong.
func paging(w http.ResponseWriter, q url.Values, def, maxLimit int) (offset, limit int, ok bool) {
	offset, limit = 0, def
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeInvalid(w, "offset は0以上の整数で指定してください。")
			return 0, 0, false
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			writeInvalid(w, "limit は1以上"+strconv.Itoa(maxLimit)+"以下の整数で指定してください。")
			return 0, 0, false
		}
		limit = n
	}
	return offset, limit, true
}

// dateParam reads a yyyy-mm-dd parameter as a JST day; "" is no filter.
func dateParam(w http.ResponseWriter, q url.Values, name string) (string, bool) {
	v := q.Get(name)
	if v == "" {
		return "", true
	}
	if _, err := time.ParseInLocation("2006-01-02", v, JST); err != nil {
		writeInvalid(w, name+" は不正な日付フォーマットです。入力例：2019-12-17")
		return "", false
	}
	return v, true
}

// inRange reports whether the yyyy-mm-dd date d is within [from, to]; an
// empty bound is open. Such dates compare as strings.
func inRange(d, from, to string) bool {
	return (from == "" || d >= from) && (to == "" || d <= to)
}

func page[T any](all []T, offset, limit int) []T {
	if offset >= len(all) {
		return []T{}
	}
	return all[offset:min(offset+limit, len(all))]
}

func (s *Server) listPartners(w http.ResponseWriter, q url.Values, company int64) any {
	offset, limit, ok := paging(w, q, DefaultPartnersLimit, MaxPartnersLimit)
	if !ok {
		return nil
	}
	from, ok := dateParam(w, q, "start_update_date")
	if !ok {
		return nil
	}
	to, ok := dateParam(w, q, "end_update_date")
	if !ok {
		return nil
	}
	s.mu.Lock()
	var all []partnerJSON
	for _, p := range s.partners {
		if p.CompanyID == company && inRange(Date(p.UpdatedAt), from, to) {
			all = append(all, partnerOut(p))
		}
	}
	s.mu.Unlock()
	out := page(all, offset, limit)
	if len(out) > 0 {
		s.Malform("/api/1/partners", func(int) (string, bool) {
			p := &out[len(out)/2]
			p.UpdateDate = "2024/13/45"
			return strconv.FormatInt(p.ID, 10), true
		})
	}
	return map[string]any{"partners": out}
}

func partnerOut(p *Partner) partnerJSON {
	out := partnerJSON{ID: p.ID, Code: nullable(p.Code), CompanyID: p.CompanyID, Name: p.Name,
		UpdateDate: Date(p.UpdatedAt), Available: true, CountryCode: "JP", LongName: nullable(p.LongName),
		NameKana: nullable(p.NameKana), DefaultTitle: nullable("御中"), Phone: nullable(p.Phone),
		ContactName: nullable(p.ContactName), Email: nullable(p.Email)}
	if p.OrgCode != 0 {
		oc := p.OrgCode
		out.OrgCode = &oc
	}
	if a := p.Address; a != nil {
		out.AddressAttributes = &addressJSON{Zipcode: nullable(a.Zipcode), PrefectureCode: a.PrefectureCode,
			StreetName1: nullable(a.StreetName1), StreetName2: nullable(a.StreetName2)}
	}
	return out
}

func (s *Server) listDeals(w http.ResponseWriter, q url.Values, company int64) any {
	offset, limit, ok := paging(w, q, DefaultDealsLimit, MaxDealsLimit)
	if !ok {
		return nil
	}
	typ := q.Get("type")
	if typ != "" && typ != "income" && typ != "expense" {
		writeInvalid(w, "type は income または expense で指定してください。")
		return nil
	}
	var bounds [4]string
	for i, name := range []string{"start_issue_date", "end_issue_date", "start_renew_date", "end_renew_date"} {
		if bounds[i], ok = dateParam(w, q, name); !ok {
			return nil
		}
	}
	s.mu.Lock()
	var all []dealJSON
	for _, d := range s.deals {
		if d.CompanyID != company || (typ != "" && dealType(d) != typ) || !inRange(Date(d.IssueDate), bounds[0], bounds[1]) {
			continue
		}
		if (bounds[2] != "" || bounds[3] != "") && !renewedIn(d, bounds[2], bounds[3]) {
			continue
		}
		all = append(all, dealOut(d))
	}
	s.mu.Unlock()
	total := len(all)
	out := page(all, offset, limit)
	if len(out) > 0 {
		s.Malform("/api/1/deals", func(int) (string, bool) {
			d := &out[len(out)/2]
			d.IssueDate = "2024-02-30"
			return strconv.FormatInt(d.ID, 10), true
		})
	}
	return map[string]any{"deals": out, "meta": map[string]int{"total_count": total}}
}

func dealType(d *Deal) string {
	if d.Type == "" {
		return "income"
	}
	return d.Type
}

// renewedIn reports whether one of d's +更新 lines was updated within the
// range: what start_renew_date and end_renew_date filter on.
func renewedIn(d *Deal, from, to string) bool {
	for _, r := range d.Renews {
		if inRange(Date(r.UpdateDate), from, to) {
			return true
		}
	}
	return false
}

func dealOut(d *Deal) dealJSON {
	paid := int64(0)
	var payments []paymentJSON
	for _, p := range d.Payments {
		paid += p.Amount
		payments = append(payments, paymentJSON{ID: p.ID, Date: Date(p.Date), FromWalletableType: "bank_account",
			FromWalletableID: 1, Amount: p.Amount})
	}
	var renews []renewJSON
	for _, r := range d.Renews {
		renews = append(renews, renewJSON{ID: r.ID, UpdateDate: Date(r.UpdateDate)})
	}
	status := "unsettled"
	if paid >= d.Amount {
		status = "settled"
	}
	out := dealJSON{ID: d.ID, CompanyID: d.CompanyID, IssueDate: Date(d.IssueDate), Amount: d.Amount,
		DueAmount: max(d.Amount-paid, 0), Type: dealType(d), RefNumber: nullable(d.RefNumber), Status: status,
		DealOriginName: "手動", Renews: renews, Payments: payments,
		Details: []detailJSON{{ID: d.ID*10 + 1, AccountItemID: 101, TaxCode: 129, Amount: d.Amount,
			Vat: d.Amount * 10 / 110, Description: nullable(d.Description), EntrySide: "credit"}}}
	if d.PartnerID > 0 {
		pid := d.PartnerID
		out.PartnerID = &pid
	}
	return out
}

// token serves POST /public_api/token, refresh_token grant only. A
// refresh token is single-use: a second use answers 401 invalid_grant.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, oauthErrorJSON{Error: "invalid_request", ErrorDescription: err.Error()})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	wantID, wantSecret := s.ClientID, s.ClientSecret
	if wantID == "" {
		wantID = DefaultClientID
	}
	if wantSecret == "" {
		wantSecret = DefaultClientSecret
	}
	if id != wantID || secret != wantSecret {
		writeJSON(w, http.StatusUnauthorized, oauthErrorJSON{Error: "invalid_client", ErrorDescription: "クライアント認証に失敗しました。"})
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "refresh_token" {
		writeJSON(w, http.StatusBadRequest, oauthErrorJSON{Error: "unsupported_grant_type",
			ErrorDescription: "freeetest: only grant_type=refresh_token is served, not " + strconv.Quote(gt)})
		return
	}
	rt := r.PostForm.Get("refresh_token")
	if !s.oauth || rt == "" || rt != s.refresh || s.used[rt] {
		writeJSON(w, http.StatusUnauthorized, oauthErrorJSON{Error: "invalid_grant",
			ErrorDescription: "リフレッシュトークンが無効です。"})
		return
	}
	s.used[rt] = true
	s.seq++
	s.refresh = "freeetest-oauth-refresh-" + strconv.FormatInt(s.seq, 10)
	access := s.issueLocked()
	writeJSON(w, http.StatusOK, tokenJSON{AccessToken: access, TokenType: "bearer",
		ExpiresIn: int(AccessTokenLifetime / time.Second), RefreshToken: s.refresh, Scope: "read write",
		CreatedAt: s.now().Unix()})
}
