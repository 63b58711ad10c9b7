package squaretest

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Cursors.
//
// A cursor is opaque to clients: base64 of the position after the last record served
// (its sort key and ID, so inserts and updates between pages neither skip nor repeat
// records that did not move), a fingerprint of the query it belongs to (another query
// is rejected with 400 INVALID_CURSOR, as Square asks for "the original query"), the
// time of the first request (Square pins an absent end_at of an order search to it;
// the fake pins every "now" default the same way) and an epoch that ExpireCursors bumps.

type cursorState struct {
	V   int    `json:"v"`
	E   uint64 `json:"e"`
	Q   string `json:"q"`
	N   int64  `json:"n,omitempty"`
	S   string `json:"s,omitempty"`
	I   string `json:"i"`
	Now int64  `json:"t"`
}

func fingerprint(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

func (s *Server) encodeCursorLocked(q string, k key, now int64) string {
	b, _ := json.Marshal(cursorState{V: 1, E: s.epoch, Q: q, N: k.n, S: k.s, I: k.id, Now: now})
	return base64.RawURLEncoding.EncodeToString(b)
}

// resumeLocked decodes raw for the query q. Without a cursor it starts a new scan that
// pins the current time.
func (s *Server) resumeLocked(raw, q string) (after *key, now int64, _ *apiError) {
	if raw == "" {
		return nil, s.now().UnixMilli(), nil
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	var c cursorState
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	switch {
	case err != nil || c.V != 1:
		return nil, 0, badRequest("INVALID_CURSOR", "cursor", "The pagination cursor is invalid.")
	case c.E != s.epoch:
		return nil, 0, badRequest("INVALID_CURSOR", "cursor", "The pagination cursor has expired.")
	case c.Q != q:
		return nil, 0, badRequest("INVALID_CURSOR", "cursor",
			"The pagination cursor does not belong to this query; send the original query with the cursor.")
	}
	return &key{n: c.N, s: c.S, id: c.I}, c.Now, nil
}

func (s *Server) pageSizeLocked(limit int) int {
	if s.shortPages && limit > 1 {
		return (limit + 1) / 2
	}
	return limit
}

// Parameters.

func checkParams(q url.Values, allowed []string, unimplemented ...string) *apiError {
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch {
		case slices.Contains(unimplemented, name):
			return badRequest("BAD_REQUEST", name, fmt.Sprintf("squaretest does not implement the %s parameter", name))
		case !slices.Contains(allowed, name):
			return badRequest("BAD_REQUEST", name, fmt.Sprintf("squaretest: unknown query parameter %q", name))
		}
	}
	return nil
}

// queryFingerprint identifies a GET query apart from its cursor and limit.
func queryFingerprint(endpoint string, q url.Values) string {
	c := url.Values{}
	for k, v := range q {
		if k != "cursor" && k != "limit" {
			c[k] = v
		}
	}
	return fingerprint(endpoint, c.Encode())
}

// limitParam reads a GET limit. Out of range values are clamped to def when clamp is
// set (payments, refunds) and rejected otherwise.
func limitParam(q url.Values, def, lo, hi int, clamp bool) (int, *apiError) {
	v := q.Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest("EXPECTED_INTEGER", "limit", fmt.Sprintf("Expected an integer value for limit, got %q.", v))
	}
	return checkLimit(int64(n), def, lo, hi, clamp)
}

func checkLimit(n int64, def, lo, hi int, clamp bool) (int, *apiError) {
	switch {
	case n >= int64(lo) && n <= int64(hi):
		return int(n), nil
	case clamp:
		return def, nil
	case n < int64(lo):
		return 0, badRequest("VALUE_TOO_LOW", "limit", fmt.Sprintf("Value %d for field limit is less than the minimum %d.", n, lo))
	}
	return 0, badRequest("VALUE_TOO_HIGH", "limit", fmt.Sprintf("Value %d for field limit is greater than the maximum %d.", n, hi))
}

func bodyLimit(n *int64, def, lo, hi int) (int, *apiError) {
	if n == nil {
		return def, nil
	}
	return checkLimit(*n, def, lo, hi, false)
}

func parseTime(field, v string) (time.Time, *apiError) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, badRequest("INVALID_TIME", field, fmt.Sprintf("Invalid RFC 3339 timestamp %q for %s.", v, field))
	}
	return t, nil
}

// optTime parses an optional timestamp; a nil result means absent.
func optTime(field, v string) (*time.Time, *apiError) {
	if v == "" {
		return nil, nil
	}
	t, err := parseTime(field, v)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func msCeil(t time.Time) int64 {
	ms := t.UnixMilli()
	if t.Sub(time.UnixMilli(ms)) > 0 {
		ms++
	}
	return ms
}

func msFloor(t time.Time) int64 {
	ms := t.UnixMilli()
	if t.Sub(time.UnixMilli(ms)) < 0 {
		ms--
	}
	return ms
}

// span builds the millisecond bounds of a time range. The start is inclusive, the end
// inclusive or exclusive as the endpoint documents or the fake chose; ExclusiveBounds
// makes both ends exclusive.
func (s *Server) span(start, end *time.Time, endInclusive bool) bounds {
	var b bounds
	if start != nil {
		b.hasLo = true
		if s.ExclusiveBounds {
			b.lo = msFloor(*start) + 1
		} else {
			b.lo = msCeil(*start)
		}
	}
	if end != nil {
		b.hasHi = true
		if endInclusive && !s.ExclusiveBounds {
			b.hi = msFloor(*end) + 1
		} else {
			b.hi = msCeil(*end)
		}
	}
	return b
}

func (b bounds) contains(ms int64) bool {
	return (!b.hasLo || ms >= b.lo) && (!b.hasHi || ms < b.hi)
}

func checkRange(field string, start, end *time.Time) *apiError {
	if start != nil && end != nil && end.Before(*start) {
		return badRequest("INVALID_TIME_RANGE", field, fmt.Sprintf("The end of %s is before its start.", field))
	}
	return nil
}

func decodeBody(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("EXPECTED_JSON_BODY", "", "The request body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("BAD_REQUEST", "", "squaretest: decoding the request body: "+err.Error())
	}
	return nil
}

func sortOrder(field, v, def string) (bool, *apiError) {
	switch v {
	case "":
		return def == "DESC", nil
	case "ASC":
		return false, nil
	case "DESC":
		return true, nil
	}
	return false, badRequest("INVALID_SORT_ORDER", field, fmt.Sprintf("Invalid sort order %q; expected ASC or DESC.", v))
}

func invalidEnum(field, v string, allowed ...string) *apiError {
	return badRequest("INVALID_ENUM_VALUE", field, fmt.Sprintf("Invalid value %q for %s; expected one of %s.", v, field, strings.Join(allowed, ", ")))
}

// Locations.

type locationsPage struct {
	Locations []locationWire `json:"locations,omitempty"`
}

func (s *Server) listLocations() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		if err := checkParams(r.URL.Query(), nil); err != nil {
			return nil, err
		}
		s.mu.Lock()
		ls := s.locationsLocked()
		s.mu.Unlock()
		// Square lists locations alphabetically by name.
		slices.SortStableFunc(ls, func(a, b Location) int { return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID)) })
		var page locationsPage
		for _, l := range ls {
			page.Locations = append(page.Locations, l.wire())
		}
		return page, nil
	}
}

func (s *Server) retrieveLocation() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		id := r.PathValue("location_id")
		s.mu.Lock()
		defer s.mu.Unlock()
		if id == "main" && len(s.locations) > 0 {
			return map[string]locationWire{"location": s.locations[0].wire()}, nil
		}
		l, ok := s.findLocationLocked(id)
		if !ok {
			return nil, notFound("location", id)
		}
		return map[string]locationWire{"location": l.wire()}, nil
	}
}

func (s *Server) checkLocationLocked(field, id string) *apiError {
	if _, ok := s.findLocationLocked(id); !ok {
		return badRequest("INVALID_VALUE", field, fmt.Sprintf("Location %q not found for this seller.", id))
	}
	return nil
}

// Customers.

type customersPage struct {
	Customers []customerWire `json:"customers,omitempty"`
	Cursor    string         `json:"cursor,omitempty"`
	Count     *int64         `json:"count,omitempty"`
}

type customerQuery struct {
	byCreated        bool
	desc             bool
	created, updated bounds
	email, reference string
}

func (q *customerQuery) match(r *customerRec) bool {
	return r.public() &&
		q.created.contains(r.created) &&
		q.updated.contains(r.updated) &&
		(q.email == "" || strings.EqualFold(r.c.EmailAddress, q.email)) &&
		(q.reference == "" || strings.EqualFold(r.c.ReferenceID, q.reference))
}

func (s *Server) runCustomers(q customerQuery, fp, cursor string, limit int, count bool) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	after, now, aerr := s.resumeLocked(cursor, fp)
	if aerr != nil {
		return nil, aerr
	}
	match := func(r *customerRec) bool { return q.match(r) && s.visibleLocked(r.updated, now) }
	sc := scan[customerRec]{ix: s.custName, desc: q.desc, after: after, match: match, limit: s.pageSizeLocked(limit)}
	if q.byCreated {
		sc.ix, sc.b = s.custCrt, q.created
	}
	recs, more := sc.run()
	var page customersPage
	for _, r := range recs {
		page.Customers = append(page.Customers, r.c.wire())
	}
	if more {
		page.Cursor = s.encodeCursorLocked(fp, sc.ix.keyOf(recs[len(recs)-1]), now)
	}
	if count {
		var n int64
		for _, r := range s.custName.items {
			if match(r) {
				n++
			}
		}
		page.Count = &n
	}
	return page, nil
}

func customerSortField(field, v string) (bool, *apiError) {
	switch v {
	case "", "DEFAULT":
		return false, nil
	case "CREATED_AT":
		return true, nil
	}
	return false, invalidEnum(field, v, "DEFAULT", "CREATED_AT")
}

func (s *Server) listCustomers() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		p := r.URL.Query()
		if err := checkParams(p, []string{"cursor", "limit", "sort_field", "sort_order", "count"}); err != nil {
			return nil, err
		}
		limit, err := limitParam(p, 100, 1, 100, false)
		if err != nil {
			return nil, err
		}
		var q customerQuery
		if q.byCreated, err = customerSortField("sort_field", p.Get("sort_field")); err != nil {
			return nil, err
		}
		if q.desc, err = sortOrder("sort_order", p.Get("sort_order"), "ASC"); err != nil {
			return nil, err
		}
		return s.runCustomers(q, queryFingerprint("customers.list", p), p.Get("cursor"), limit, p.Get("count") == "true")
	}
}

type timeRange struct {
	StartAt string `json:"start_at,omitempty"`
	EndAt   string `json:"end_at,omitempty"`
}

func (t *timeRange) parse(field string) (start, end *time.Time, _ *apiError) {
	if t == nil {
		return nil, nil, nil
	}
	start, err := optTime(field+".start_at", t.StartAt)
	if err != nil {
		return nil, nil, err
	}
	if end, err = optTime(field+".end_at", t.EndAt); err != nil {
		return nil, nil, err
	}
	return start, end, checkRange(field, start, end)
}

type textFilter struct {
	Exact string `json:"exact,omitempty"`
	Fuzzy string `json:"fuzzy,omitempty"`
}

type searchCustomersRequest struct {
	Cursor string `json:"cursor,omitempty"`
	Limit  *int64 `json:"limit,omitempty"`
	Query  *struct {
		Filter *struct {
			CreatedAt    *timeRange  `json:"created_at,omitempty"`
			UpdatedAt    *timeRange  `json:"updated_at,omitempty"`
			EmailAddress *textFilter `json:"email_address,omitempty"`
			ReferenceID  *textFilter `json:"reference_id,omitempty"`
		} `json:"filter,omitempty"`
		Sort *struct {
			Field string `json:"field,omitempty"`
			Order string `json:"order,omitempty"`
		} `json:"sort,omitempty"`
	} `json:"query,omitempty"`
	Count bool `json:"count,omitempty"`
}

func (s *Server) searchCustomers() endpointFunc {
	return func(_ *http.Request, body []byte) (any, *apiError) {
		var req searchCustomersRequest
		if err := decodeBody(body, &req); err != nil {
			return nil, err
		}
		limit, err := bodyLimit(req.Limit, 100, 1, 100)
		if err != nil {
			return nil, err
		}
		var q customerQuery
		if req.Query != nil && req.Query.Filter != nil {
			f := req.Query.Filter
			start, end, err := f.CreatedAt.parse("query.filter.created_at")
			if err != nil {
				return nil, err
			}
			q.created = s.span(start, end, true)
			if start, end, err = f.UpdatedAt.parse("query.filter.updated_at"); err != nil {
				return nil, err
			}
			q.updated = s.span(start, end, true)
			for _, tf := range []struct {
				name string
				f    *textFilter
				dst  *string
			}{{"query.filter.email_address", f.EmailAddress, &q.email}, {"query.filter.reference_id", f.ReferenceID, &q.reference}} {
				switch {
				case tf.f == nil:
				case tf.f.Fuzzy != "":
					return nil, badRequest("BAD_REQUEST", tf.name+".fuzzy", "squaretest does not implement fuzzy customer search")
				case tf.f.Exact == "":
					return nil, badRequest("MISSING_REQUIRED_PARAMETER", tf.name, "A text filter needs exact or fuzzy.")
				default:
					*tf.dst = tf.f.Exact
				}
			}
		}
		if req.Query != nil && req.Query.Sort != nil {
			if q.byCreated, err = customerSortField("query.sort.field", req.Query.Sort.Field); err != nil {
				return nil, err
			}
			if q.desc, err = sortOrder("query.sort.order", req.Query.Sort.Order, "ASC"); err != nil {
				return nil, err
			}
		}
		canon := req
		canon.Cursor, canon.Limit, canon.Count = "", nil, false
		b, _ := json.Marshal(canon)
		return s.runCustomers(q, fingerprint("customers.search", string(b)), req.Cursor, limit, req.Count)
	}
}

func (s *Server) retrieveCustomer() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		return retrieve(s, r, "customer", &s.customers, func(r *customerRec) customerWire { return r.c.wire() })
	}
}

// Orders.

type ordersSort struct {
	SortField string `json:"sort_field"`
	SortOrder string `json:"sort_order,omitempty"`
}

type ordersQuery struct {
	Filter *struct {
		StateFilter *struct {
			States []string `json:"states"`
		} `json:"state_filter,omitempty"`
		DateTimeFilter *struct {
			CreatedAt *timeRange `json:"created_at,omitempty"`
			UpdatedAt *timeRange `json:"updated_at,omitempty"`
			ClosedAt  *timeRange `json:"closed_at,omitempty"`
		} `json:"date_time_filter,omitempty"`
		CustomerFilter *struct {
			CustomerIDs []string `json:"customer_ids"`
		} `json:"customer_filter,omitempty"`
	} `json:"filter,omitempty"`
	Sort *ordersSort `json:"sort,omitempty"`
}

type searchOrdersRequest struct {
	LocationIDs   []string     `json:"location_ids"`
	Cursor        string       `json:"cursor,omitempty"`
	Query         *ordersQuery `json:"query,omitempty"`
	Limit         *int64       `json:"limit,omitempty"`
	ReturnEntries bool         `json:"return_entries,omitempty"`
}

type ordersPage struct {
	Orders       []orderWire  `json:"orders,omitempty"`
	OrderEntries []OrderEntry `json:"order_entries,omitempty"`
	Cursor       string       `json:"cursor,omitempty"`
}

var orderStates = []string{"OPEN", "COMPLETED", "CANCELED", "DRAFT"}

func (s *Server) searchOrders() endpointFunc {
	return func(_ *http.Request, body []byte) (any, *apiError) {
		var req searchOrdersRequest
		if err := decodeBody(body, &req); err != nil {
			return nil, err
		}
		switch n := len(req.LocationIDs); {
		case n == 0:
			return nil, badRequest("MISSING_REQUIRED_PARAMETER", "location_ids", "At least one location ID is required.")
		case n > 10:
			return nil, badRequest("ARRAY_LENGTH_TOO_LONG", "location_ids", fmt.Sprintf("At most 10 location IDs are allowed, got %d.", n))
		}
		limit, err := bodyLimit(req.Limit, 500, 1, 1000)
		if err != nil {
			return nil, err
		}

		sortField, desc := "CREATED_AT", true
		var states, customers []string
		var filterField string
		var filterRange *timeRange
		if q := req.Query; q != nil {
			if q.Sort != nil {
				switch q.Sort.SortField {
				case "CREATED_AT", "UPDATED_AT", "CLOSED_AT":
					sortField = q.Sort.SortField
				case "":
					return nil, badRequest("MISSING_REQUIRED_PARAMETER", "query.sort.sort_field", "sort_field is required in a sort.")
				default:
					return nil, invalidEnum("query.sort.sort_field", q.Sort.SortField, "CREATED_AT", "UPDATED_AT", "CLOSED_AT")
				}
				if desc, err = sortOrder("query.sort.sort_order", q.Sort.SortOrder, "DESC"); err != nil {
					return nil, err
				}
			}
			if f := q.Filter; f != nil {
				if f.StateFilter != nil {
					if len(f.StateFilter.States) == 0 {
						return nil, badRequest("MISSING_REQUIRED_PARAMETER", "query.filter.state_filter.states", "states is required in a state filter.")
					}
					for _, st := range f.StateFilter.States {
						if !slices.Contains(orderStates, st) {
							return nil, invalidEnum("query.filter.state_filter.states", st, orderStates...)
						}
					}
					states = f.StateFilter.States
				}
				if f.CustomerFilter != nil && len(f.CustomerFilter.CustomerIDs) > 0 {
					if n := len(f.CustomerFilter.CustomerIDs); n > 10 {
						return nil, badRequest("ARRAY_LENGTH_TOO_LONG", "query.filter.customer_filter.customer_ids", fmt.Sprintf("At most 10 customer IDs are allowed, got %d.", n))
					}
					customers = f.CustomerFilter.CustomerIDs
				}
				if d := f.DateTimeFilter; d != nil {
					n := 0
					for field, tr := range map[string]*timeRange{"CREATED_AT": d.CreatedAt, "UPDATED_AT": d.UpdatedAt, "CLOSED_AT": d.ClosedAt} {
						if tr != nil {
							n++
							filterField, filterRange = field, tr
						}
					}
					if n > 1 {
						return nil, badRequest("BAD_REQUEST", "query.filter.date_time_filter", "Only one time range can be filtered on at a time.")
					}
				}
			}
		}
		// Square: "If you use the DateTimeFilter in a SearchOrders query, you must set
		// the sort_field in OrdersSort to the same field you filter for."
		if filterField != "" && filterField != sortField {
			return nil, badRequest("BAD_REQUEST", "query.sort.sort_field", fmt.Sprintf(
				"The date_time_filter filters on %s but the sort_field is %s; they must match.", filterField, sortField))
		}
		// Square: sorting by CLOSED_AT needs a state filter with closed states only.
		if sortField == "CLOSED_AT" {
			if len(states) == 0 || slices.ContainsFunc(states, func(st string) bool { return st != "COMPLETED" && st != "CANCELED" }) {
				return nil, badRequest("BAD_REQUEST", "query.sort.sort_field",
					"Sorting by CLOSED_AT needs a state_filter with only COMPLETED or CANCELED states.")
			}
		}
		var start, end *time.Time
		if filterRange != nil {
			field := "query.filter.date_time_filter." + strings.ToLower(filterField)
			if start, end, err = filterRange.parse(field); err != nil {
				return nil, err
			}
		}

		locs := slices.Clone(req.LocationIDs)
		slices.Sort(locs)
		canon, _ := json.Marshal(struct {
			L []string
			Q *ordersQuery
		}{locs, req.Query})
		fp := fingerprint("orders.search", string(canon))

		s.mu.Lock()
		defer s.mu.Unlock()
		for _, id := range req.LocationIDs {
			if err := s.checkLocationLocked("location_ids", id); err != nil {
				return nil, err
			}
		}
		after, now, err := s.resumeLocked(req.Cursor, fp)
		if err != nil {
			return nil, err
		}
		if filterRange != nil && end == nil {
			// "If the end time is absent, it defaults to the time of the first request
			// for the cursor."
			t := time.UnixMilli(now)
			end = &t
		}
		sc := scan[orderRec]{desc: desc, after: after, limit: s.pageSizeLocked(limit), b: s.span(start, end, true)}
		switch sortField {
		case "CREATED_AT":
			sc.ix = s.ordCrt
		case "UPDATED_AT":
			sc.ix = s.ordUpd
		default:
			sc.ix = s.ordCls
		}
		sc.match = func(r *orderRec) bool {
			return s.visibleLocked(r.updated, now) && slices.Contains(req.LocationIDs, r.loc) &&
				(states == nil || slices.Contains(states, r.state)) &&
				(customers == nil || orderCustomerMatch(r, customers))
		}
		recs, more := sc.run()
		var page ordersPage
		for _, r := range recs {
			if req.ReturnEntries {
				page.OrderEntries = append(page.OrderEntries, OrderEntry{OrderID: r.id, Version: r.version, LocationID: r.loc})
			} else {
				page.Orders = append(page.Orders, s.orderOfLocked(r).wire())
			}
		}
		if more {
			page.Cursor = s.encodeCursorLocked(fp, sc.ix.keyOf(recs[len(recs)-1]), now)
		}
		return page, nil
	}
}

func (s *Server) retrieveOrder() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		return retrieve(s, r, "order", &s.orders, func(r *orderRec) orderWire { return s.orderOfLocked(r).wire() })
	}
}

func (s *Server) batchRetrieveOrders() endpointFunc {
	return func(_ *http.Request, body []byte) (any, *apiError) {
		var req struct {
			LocationID string   `json:"location_id,omitempty"`
			OrderIDs   []string `json:"order_ids"`
		}
		if err := decodeBody(body, &req); err != nil {
			return nil, err
		}
		switch n := len(req.OrderIDs); {
		case n == 0:
			return nil, badRequest("MISSING_REQUIRED_PARAMETER", "order_ids", "order_ids is required.")
		case n > 100:
			return nil, badRequest("ARRAY_LENGTH_TOO_LONG", "order_ids", fmt.Sprintf("At most 100 order IDs are allowed, got %d.", n))
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		var page ordersPage
		// Square ignores IDs that do not exist instead of failing the batch.
		for _, id := range req.OrderIDs {
			if r := s.orders.get(id); r != nil && (req.LocationID == "" || r.loc == req.LocationID) {
				page.Orders = append(page.Orders, s.orderOfLocked(r).wire())
			}
		}
		return page, nil
	}
}

// Payments and refunds.

type paymentsPage struct {
	Payments []paymentWire `json:"payments,omitempty"`
	Cursor   string        `json:"cursor,omitempty"`
}

type refundsPage struct {
	Refunds []refundWire `json:"refunds,omitempty"`
	Cursor  string       `json:"cursor,omitempty"`
}

// listWindow is the query shared by ListPayments and ListPaymentRefunds.
type listWindow struct {
	begin, end, updBegin, updEnd *time.Time
	byUpdated, desc              bool
}

func parseListWindow(p url.Values) (listWindow, *apiError) {
	var w listWindow
	var err *apiError
	for _, f := range []struct {
		name string
		dst  **time.Time
	}{{"begin_time", &w.begin}, {"end_time", &w.end}, {"updated_at_begin_time", &w.updBegin}, {"updated_at_end_time", &w.updEnd}} {
		if *f.dst, err = optTime(f.name, p.Get(f.name)); err != nil {
			return w, err
		}
	}
	if err := checkRange("begin_time", w.begin, w.end); err != nil {
		return w, err
	}
	if err := checkRange("updated_at_begin_time", w.updBegin, w.updEnd); err != nil {
		return w, err
	}
	switch v := p.Get("sort_field"); v {
	case "", "CREATED_AT":
	case "UPDATED_AT":
		w.byUpdated = true
	case "OFFLINE_CREATED_AT":
		return w, badRequest("BAD_REQUEST", "sort_field", "squaretest does not implement sort_field=OFFLINE_CREATED_AT")
	default:
		return w, invalidEnum("sort_field", v, "CREATED_AT", "UPDATED_AT")
	}
	w.desc, err = sortOrder("sort_order", p.Get("sort_order"), "DESC")
	return w, err
}

// resolve applies the documented defaults: created_at from a year ago to now, and for
// refunds updated_at from begin_time to now. Both ends are pinned to the first request.
func (s *Server) resolveWindow(w listWindow, now int64, refunds bool) (created, updated bounds) {
	t := time.UnixMilli(now).UTC()
	begin, end := w.begin, w.end
	if begin == nil {
		b := t.AddDate(-1, 0, 0)
		begin = &b
	}
	if end == nil {
		end = &t
	}
	created = s.span(begin, end, false)
	ub, ue := w.updBegin, w.updEnd
	if refunds {
		if ub == nil {
			ub = begin
		}
		if ue == nil {
			ue = &t
		}
	}
	return created, s.span(ub, ue, false)
}

// windowList is what ListPayments and ListPaymentRefunds share: the created_at and
// updated_at window, the location, the sort, the cursor and the page. Each endpoint
// adds its own parameters and filters.
type windowList[R any] struct {
	name                  string   // fingerprints the query
	params, unimplemented []string // the endpoint's own parameters
	// refunds: every location by default (payments: the main one), and an updated_at
	// window that defaults to begin_time..now.
	refunds  bool
	crt, upd *index[R]
	stamps   func(*R) (loc string, created, updated int64)
	// filter reads the endpoint's own parameters into a match, run under the lock.
	filter func(p url.Values) (func(*R) bool, *apiError)
}

var windowParams = []string{"begin_time", "end_time", "updated_at_begin_time", "updated_at_end_time",
	"sort_field", "sort_order", "location_id", "limit", "cursor"}

func listWindowed[R, W any](s *Server, p url.Values, l windowList[R], wire func(*R) W) (items []W, cursor string, _ *apiError) {
	if err := checkParams(p, slices.Concat(windowParams, l.params), l.unimplemented...); err != nil {
		return nil, "", err
	}
	// Payments: "If the provided value is greater than 100, it is ignored and the
	// default value is used instead." Refunds: "If the supplied value is greater than
	// 100, no more than 100 results are returned."
	limit, err := limitParam(p, 100, 1, 100, true)
	if err != nil {
		return nil, "", err
	}
	w, err := parseListWindow(p)
	if err != nil {
		return nil, "", err
	}
	filter, err := l.filter(p)
	if err != nil {
		return nil, "", err
	}
	fp := queryFingerprint(l.name, p)

	s.mu.Lock()
	defer s.mu.Unlock()
	after, now, err := s.resumeLocked(p.Get("cursor"), fp)
	if err != nil {
		return nil, "", err
	}
	// Payments: "By default, results are returned for the default (main) location."
	// Refunds: "By default, results are returned for all locations."
	loc := p.Get("location_id")
	if loc != "" {
		if err := s.checkLocationLocked("location_id", loc); err != nil {
			return nil, "", err
		}
	} else if !l.refunds && len(s.locations) > 0 {
		loc = s.locations[0].ID
	}
	created, updated := s.resolveWindow(w, now, l.refunds)
	sc := scan[R]{ix: l.crt, b: created, desc: w.desc, after: after, limit: s.pageSizeLocked(limit)}
	if w.byUpdated {
		sc.ix, sc.b = l.upd, updated
	}
	sc.match = func(r *R) bool {
		rl, rc, ru := l.stamps(r)
		return (loc == "" || rl == loc) && created.contains(rc) && updated.contains(ru) && s.visibleLocked(ru, now) && filter(r)
	}
	recs, more := sc.run()
	for _, r := range recs {
		items = append(items, wire(r))
	}
	if more {
		cursor = s.encodeCursorLocked(fp, sc.ix.keyOf(recs[len(recs)-1]), now)
	}
	return items, cursor, nil
}

func (s *Server) listPayments() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		items, cursor, err := listWindowed(s, r.URL.Query(), windowList[paymentRec]{
			name:          "payments",
			params:        []string{"total", "last_4", "card_brand", "is_offline_payment"},
			unimplemented: []string{"offline_begin_time", "offline_end_time"},
			crt:           s.payCrt, upd: s.payUpd,
			stamps: func(r *paymentRec) (string, int64, int64) { return r.loc, r.created, r.updated },
			filter: s.paymentFilter,
		}, func(r *paymentRec) paymentWire { return s.paymentOfLocked(r).wire() })
		if err != nil {
			return nil, err
		}
		return paymentsPage{Payments: items, Cursor: cursor}, nil
	}
}

// paymentFilter reads ListPayments' total, is_offline_payment, last_4 and card_brand.
func (s *Server) paymentFilter(p url.Values) (func(*paymentRec) bool, *apiError) {
	var total *int64
	if v := p.Get("total"); v != "" {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return nil, badRequest("EXPECTED_INTEGER", "total", fmt.Sprintf("Expected an integer value for total, got %q.", v))
		}
		total = &n
	}
	var offline *bool
	if v := p.Get("is_offline_payment"); v != "" {
		b, perr := strconv.ParseBool(v)
		if perr != nil {
			return nil, badRequest("EXPECTED_BOOLEAN", "is_offline_payment", fmt.Sprintf("Expected a boolean value, got %q.", v))
		}
		offline = &b
	}
	last4, brand := p.Get("last_4"), p.Get("card_brand")
	return func(r *paymentRec) bool {
		if total == nil && offline == nil && last4 == "" && brand == "" {
			return true
		}
		pm := s.paymentOfLocked(r)
		var card Card
		if pm.CardDetails != nil && pm.CardDetails.Card != nil {
			card = *pm.CardDetails.Card
		}
		return (total == nil || pm.TotalMoney.Amount == *total) &&
			(offline == nil || pm.IsOfflinePayment == *offline) &&
			(last4 == "" || card.Last4 == last4) &&
			(brand == "" || strings.EqualFold(card.CardBrand, brand))
	}, nil
}

func (s *Server) retrievePayment() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		return retrieve(s, r, "payment", &s.payments, func(r *paymentRec) paymentWire { return s.paymentOfLocked(r).wire() })
	}
}

func (s *Server) listRefunds() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		items, cursor, err := listWindowed(s, r.URL.Query(), windowList[refundRec]{
			name:    "refunds",
			params:  []string{"status", "source_type"},
			refunds: true,
			crt:     s.refCrt, upd: s.refUpd,
			stamps: func(r *refundRec) (string, int64, int64) { return r.loc, r.created, r.updated },
			filter: s.refundFilter,
		}, func(r *refundRec) refundWire { return s.refundOfLocked(r).wire() })
		if err != nil {
			return nil, err
		}
		return refundsPage{Refunds: items, Cursor: cursor}, nil
	}
}

// refundFilter reads ListPaymentRefunds' status and source_type (the refunded
// payment's).
func (s *Server) refundFilter(p url.Values) (func(*refundRec) bool, *apiError) {
	status, source := p.Get("status"), p.Get("source_type")
	return func(r *refundRec) bool {
		if status == "" && source == "" {
			return true
		}
		rf := s.refundOfLocked(r)
		if status != "" && rf.Status != status {
			return false
		}
		if source != "" {
			pr := s.payments.get(rf.PaymentID)
			if pr == nil || s.paymentOfLocked(pr).SourceType != source {
				return false
			}
		}
		return true
	}, nil
}

func (s *Server) retrieveRefund() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		return retrieve(s, r, "refund", &s.refunds, func(r *refundRec) refundWire { return s.refundOfLocked(r).wire() })
	}
}

// retrieve answers GET /v2/<what>s/{<what>_id}: {"<what>": record}, or 404.
func retrieve[R, W any](s *Server, r *http.Request, what string, t *table[R], wire func(*R) W) (any, *apiError) {
	id := r.PathValue(what + "_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := t.get(id)
	if rec == nil {
		return nil, notFound(what, id)
	}
	return map[string]W{what: wire(rec)}, nil
}

// Bookings.

// bookingsPage copies a quirk of Square's ListBookings answer: "cursor": null on the
// last page and an empty "errors" array on success.
type bookingsPage struct {
	Bookings []bookingWire `json:"bookings"`
	Cursor   *string       `json:"cursor"`
	Errors   []Error       `json:"errors"`
}

// MaxBookingWindow is the longest start_at_min..start_at_max window ListBookings accepts.
const MaxBookingWindow = 31 * 24 * time.Hour

func (s *Server) listBookings() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		p := r.URL.Query()
		if err := checkParams(p, []string{"limit", "cursor", "customer_id", "team_member_id", "location_id", "start_at_min", "start_at_max"}); err != nil {
			return nil, err
		}
		limit, err := limitParam(p, 100, 1, 10000, false)
		if err != nil {
			return nil, err
		}
		lo, err := optTime("start_at_min", p.Get("start_at_min"))
		if err != nil {
			return nil, err
		}
		hi, err := optTime("start_at_max", p.Get("start_at_max"))
		if err != nil {
			return nil, err
		}
		customer, member, loc := p.Get("customer_id"), p.Get("team_member_id"), p.Get("location_id")
		fp := queryFingerprint("bookings", p)

		s.mu.Lock()
		defer s.mu.Unlock()
		after, now, err := s.resumeLocked(p.Get("cursor"), fp)
		if err != nil {
			return nil, err
		}
		if loc != "" {
			if err := s.checkLocationLocked("location_id", loc); err != nil {
				return nil, err
			}
		}
		// "If this is not set, the current time is used" / "the time of 31 days after
		// start_at_min is used."
		if lo == nil {
			t := time.UnixMilli(now).UTC()
			lo = &t
		}
		if hi == nil {
			t := lo.Add(MaxBookingWindow)
			hi = &t
		}
		switch {
		case hi.Before(*lo):
			return nil, badRequest("INVALID_TIME_RANGE", "start_at_max", "start_at_max is before start_at_min.")
		case hi.Sub(*lo) > MaxBookingWindow:
			return nil, badRequest("INVALID_TIME_RANGE", "start_at_max",
				"The time range between start_at_min and start_at_max must not exceed 31 days.")
		}
		sc := scan[bookingRec]{ix: s.bookStart, b: s.span(lo, hi, false), after: after, limit: s.pageSizeLocked(limit)}
		sc.match = func(r *bookingRec) bool {
			b := &r.b
			if (loc != "" && b.LocationID != loc) || (customer != "" && b.CustomerID != customer) || !s.visibleLocked(msOf(b.UpdatedAt), now) {
				return false
			}
			return member == "" || slices.ContainsFunc(b.AppointmentSegments, func(a AppointmentSegment) bool { return a.TeamMemberID == member })
		}
		recs, more := sc.run()
		page := bookingsPage{Bookings: []bookingWire{}, Errors: []Error{}}
		for _, r := range recs {
			page.Bookings = append(page.Bookings, r.b.wire())
		}
		if more {
			c := s.encodeCursorLocked(fp, sc.ix.keyOf(recs[len(recs)-1]), now)
			page.Cursor = &c
		}
		return page, nil
	}
}

func (s *Server) retrieveBooking() endpointFunc {
	return func(r *http.Request, _ []byte) (any, *apiError) {
		id := r.PathValue("booking_id")
		s.mu.Lock()
		defer s.mu.Unlock()
		rec := s.bookings.get(id)
		if rec == nil {
			return nil, notFound("booking", id)
		}
		return map[string]any{"booking": rec.b.wire(), "errors": []Error{}}, nil
	}
}
