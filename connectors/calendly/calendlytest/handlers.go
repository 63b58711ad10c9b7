package calendlytest

import (
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

// AddEvent adds or replaces (by UUID) a scheduled event, filling zero fields, and
// returns its UUID. Invitees of a replaced event are kept.
func (s *Server) AddEvent(ev Event) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	now := s.now()
	if ev.UUID == "" {
		ev.UUID = s.uuidLocked()
	}
	if ev.Name == "" {
		ev.Name = "30分ミーティング"
	}
	if ev.Status == "" {
		ev.Status = "active"
	}
	if ev.StartTime.IsZero() {
		ev.StartTime = now
	}
	if ev.EndTime.IsZero() {
		ev.EndTime = ev.StartTime.Add(time.Hour)
	}
	if ev.EventTypeUUID == "" {
		h := fnv.New64a()
		h.Write([]byte(ev.Name))
		v := h.Sum64()
		ev.EventTypeUUID = fmt.Sprintf("%08x-e7e0-4a1b-9c2d-%012x", uint32(v>>32), v&0xffffffffffff)
	}
	if ev.Location.Type == "" {
		ev.Location = Location{Type: "physical", Location: "東京都渋谷区神宮前1-2-3 サロンさくら"}
	}
	if ev.InviteesLimit == 0 {
		ev.InviteesLimit = 1
	}
	if ev.CreatedAt.IsZero() {
		ev.CreatedAt = earliest(now, ev.StartTime.Add(-24*time.Hour))
	}
	if ev.UpdatedAt.IsZero() {
		ev.UpdatedAt = ev.CreatedAt
	}
	if ev.Cancellation != nil && ev.Cancellation.CreatedAt.IsZero() {
		c := *ev.Cancellation
		c.CreatedAt = ev.UpdatedAt
		ev.Cancellation = &c
	}
	if rec, ok := s.events[ev.UUID]; ok {
		rec.ev = ev
	} else {
		s.events[ev.UUID] = &eventRec{ev: ev}
	}
	return ev.UUID
}

// AddInvitee adds or replaces (by UUID) an invitee of the event, filling zero fields,
// and returns its UUID. It panics if the event does not exist.
func (s *Server) AddInvitee(eventUUID string, inv Invitee) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	rec, ok := s.events[eventUUID]
	if !ok {
		panic(fmt.Sprintf("calendlytest: AddInvitee: no event %q", eventUUID))
	}
	if inv.UUID == "" {
		inv.UUID = s.uuidLocked()
	}
	if inv.Status == "" {
		inv.Status = "active"
	}
	if inv.Timezone == "" {
		inv.Timezone = "Asia/Tokyo"
	}
	if inv.Name == "" {
		inv.Name = strings.TrimSpace(inv.LastName + " " + inv.FirstName)
	}
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = rec.ev.CreatedAt
	}
	if inv.UpdatedAt.IsZero() {
		inv.UpdatedAt = inv.CreatedAt
	}
	if inv.Cancellation != nil && inv.Cancellation.CreatedAt.IsZero() {
		c := *inv.Cancellation
		c.CreatedAt = inv.UpdatedAt
		inv.Cancellation = &c
	}
	inv.QuestionsAndAnswers = slices.Clone(inv.QuestionsAndAnswers)
	p := &inv
	if i := slices.IndexFunc(rec.invitees, func(x *Invitee) bool { return x.UUID == inv.UUID }); i >= 0 {
		rec.invitees[i] = p
	} else {
		rec.invitees = append(rec.invitees, p)
	}
	return inv.UUID
}

// CancelInvitee cancels an invitee (found by UUID or e-mail address) at Now, as the
// invitee would. When no active invitee remains, the event is canceled too, as Calendly
// does for one-on-one events. It reports whether the invitee was found.
func (s *Server) CancelInvitee(eventUUID, inviteeUUIDOrEmail, reason string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	rec, ok := s.events[eventUUID]
	if !ok {
		return false
	}
	i := slices.IndexFunc(rec.invitees, func(x *Invitee) bool {
		return x.UUID == inviteeUUIDOrEmail || strings.EqualFold(x.Email, inviteeUUIDOrEmail)
	})
	if i < 0 {
		return false
	}
	now := s.now()
	inv := *rec.invitees[i]
	c := &Cancellation{CanceledBy: inv.Name, Reason: reason, CancelerType: "invitee", CreatedAt: now}
	inv.Status, inv.Cancellation, inv.UpdatedAt = "canceled", c, now
	rec.invitees[i] = &inv
	if !slices.ContainsFunc(rec.invitees, func(x *Invitee) bool { return x.Status == "active" }) {
		rec.ev.Status, rec.ev.Cancellation, rec.ev.UpdatedAt = "canceled", c, now
	}
	return true
}

// Events returns copies of all events, by start time.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	out := make([]Event, 0, len(s.events))
	for _, r := range s.events {
		out = append(out, r.ev)
	}
	slices.SortFunc(out, func(a, b Event) int {
		return cmp.Or(a.StartTime.Compare(b.StartTime), cmp.Compare(a.UUID, b.UUID))
	})
	return out
}

// Invitees returns copies of an event's invitees, in insertion order.
func (s *Server) Invitees(eventUUID string) []Invitee {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	rec, ok := s.events[eventUUID]
	if !ok {
		return nil
	}
	out := make([]Invitee, len(rec.invitees))
	for i, p := range rec.invitees {
		out[i] = *p
	}
	return out
}

func (s *Server) usersMe(r *http.Request, base string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.user
	return map[string]any{"resource": userJSON{
		URI: base + "/users/" + u.UUID, Name: u.Name, Slug: u.Slug, Email: u.Email,
		SchedulingURL:       "https://calendly.com/" + u.Slug,
		Timezone:            u.Timezone,
		CurrentOrganization: base + "/organizations/" + u.OrganizationUUID,
		CreatedAt:           "2020-01-02T03:04:05.678901Z", UpdatedAt: "2020-01-02T03:04:05.678901Z",
	}}, nil
}

// cursor is the content of a page token: a keyset position and the query it belongs to.
type cursor struct {
	Back bool   `json:"b,omitempty"` // previous-page token: records before the key
	T    int64  `json:"t"`
	ID   string `json:"i"`
	Q    uint64 `json:"q"`
}

type pos struct {
	t  int64
	id string
}

func querySig(q url.Values) uint64 {
	c := url.Values{}
	for k, v := range q {
		if k != "page_token" && k != "count" {
			c[k] = v
		}
	}
	h := fnv.New64a()
	h.Write([]byte(c.Encode()))
	return h.Sum64()
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// listParams reads count, page_token and the sort direction shared by both lists.
func listParams(q url.Values, sortField string) (count int, desc bool, c *cursor, err *apiError) {
	count = 20
	if v := q.Get("count"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 || n > 100 {
			return 0, false, nil, invalidArgument("count", "count must be an integer between 1 and 100")
		}
		count = n
	}
	switch q.Get("sort") {
	case "", sortField + ":asc":
	case sortField + ":desc":
		desc = true
	default:
		return 0, false, nil, invalidArgument("sort", fmt.Sprintf("sort must be %s:asc or %s:desc", sortField, sortField))
	}
	if v := q.Get("page_token"); v != "" {
		var cur cursor
		b, e := base64.RawURLEncoding.DecodeString(v)
		if e != nil || json.Unmarshal(b, &cur) != nil {
			return 0, false, nil, invalidArgument("page_token", "page_token is invalid")
		}
		if cur.Q != querySig(q) {
			return 0, false, nil, invalidArgument("page_token", "page_token does not belong to this query")
		}
		c = &cur
	}
	return count, desc, c, nil
}

// paginate picks the page of items (sorted in the requested order) and fills the
// pagination object.
func paginate[T any](r *http.Request, base string, items []T, key func(T) pos, desc bool, count int, c *cursor) ([]T, paginationJSON) {
	order := func(a, b pos) int {
		n := cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.id, b.id))
		if desc {
			return -n
		}
		return n
	}
	lo, hi := 0, min(count, len(items))
	if c != nil {
		k := pos{c.T, c.ID}
		i, found := slices.BinarySearchFunc(items, k, func(it T, k pos) int { return order(key(it), k) })
		if c.Back {
			hi = i
			lo = max(0, hi-count)
		} else {
			if found {
				i++
			}
			lo = i
			hi = min(len(items), lo+count)
		}
	}
	page := items[lo:hi]
	pg := paginationJSON{Count: len(page)}
	sig := querySig(r.URL.Query())
	link := func(cur cursor) (*string, *string) {
		tok := encodeCursor(cur)
		q := r.URL.Query()
		q.Set("page_token", tok)
		u := base + r.URL.Path + "?" + q.Encode()
		return &u, &tok
	}
	if hi < len(items) && len(page) > 0 {
		k := key(page[len(page)-1])
		pg.NextPage, pg.NextPageToken = link(cursor{T: k.t, ID: k.id, Q: sig})
	}
	if lo > 0 && len(page) > 0 {
		k := key(page[0])
		pg.PreviousPage, pg.PreviousPageToken = link(cursor{Back: true, T: k.t, ID: k.id, Q: sig})
	}
	return page, pg
}

func parseTimeParam(q url.Values, name string) (time.Time, *apiError) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, invalidArgument(name, name+" must be an ISO 8601 time such as 2024-05-01T00:00:00.000000Z")
	}
	return t, nil
}

// uriIs reports whether uri names /kind/uuid (on any host).
func uriIs(uri, kind, uuid string) bool {
	u, err := url.Parse(uri)
	return err == nil && u.Path == "/"+kind+"/"+uuid
}

func (s *Server) listEvents(r *http.Request, base string) (any, *apiError) {
	q := r.URL.Query()
	org, user := q.Get("organization"), q.Get("user")
	if org == "" && user == "" {
		return nil, &apiError{status: http.StatusBadRequest, body: ErrorResponse{
			Title: "Invalid Argument", Message: "The supplied parameters are invalid.",
			Details: []ErrorDetail{
				{Parameter: "organization", Message: "organization or user is required"},
				{Parameter: "user", Message: "organization or user is required"},
			},
		}}
	}
	count, desc, cur, aerr := listParams(q, "start_time")
	if aerr != nil {
		return nil, aerr
	}
	minT, aerr := parseTimeParam(q, "min_start_time")
	if aerr != nil {
		return nil, aerr
	}
	maxT, aerr := parseTimeParam(q, "max_start_time")
	if aerr != nil {
		return nil, aerr
	}
	status := q.Get("status")
	if status != "" && status != "active" && status != "canceled" {
		return nil, invalidArgument("status", "status must be active or canceled")
	}
	email := q.Get("invitee_email")

	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.user
	if (org != "" && !uriIs(org, "organizations", u.OrganizationUUID)) || (user != "" && !uriIs(user, "users", u.UUID)) {
		return nil, &apiError{status: http.StatusForbidden, body: ErrorResponse{
			Title: "Permission Denied", Message: "You do not have permission to access this resource."}}
	}
	var recs []*eventRec
	for _, rec := range s.events {
		e := rec.ev
		switch {
		case !minT.IsZero() && e.StartTime.Before(minT),
			!maxT.IsZero() && !e.StartTime.Before(maxT),
			status != "" && e.Status != status,
			email != "" && !slices.ContainsFunc(rec.invitees, func(x *Invitee) bool { return strings.EqualFold(x.Email, email) }):
			continue
		}
		recs = append(recs, rec)
	}
	key := func(rec *eventRec) pos { return pos{rec.ev.StartTime.UnixNano(), rec.ev.UUID} }
	slices.SortFunc(recs, func(a, b *eventRec) int {
		n := cmp.Or(cmp.Compare(key(a).t, key(b).t), cmp.Compare(a.ev.UUID, b.ev.UUID))
		if desc {
			return -n
		}
		return n
	})
	page, pg := paginate(r, base, recs, key, desc, count, cur)
	out := pageJSON[eventJSON]{Collection: make([]eventJSON, len(page)), Pagination: pg}
	for i, rec := range page {
		out.Collection[i] = s.eventJSONLocked(base, rec)
	}
	s.Malform("", func(int) (string, bool) {
		if len(out.Collection) == 0 {
			return "", false
		}
		m := &out.Collection[len(out.Collection)/2]
		m.StartTime = BadTimestamp
		return m.URI, true
	})
	return out, nil
}

func cancellationOf(c *Cancellation) *cancellationJSON {
	if c == nil {
		return nil
	}
	return &cancellationJSON{CanceledBy: c.CanceledBy, Reason: c.Reason, CancelerType: c.CancelerType, CreatedAt: Stamp(c.CreatedAt)}
}

func (s *Server) eventJSONLocked(base string, rec *eventRec) eventJSON {
	e := rec.ev
	active := 0
	for _, inv := range rec.invitees {
		if inv.Status == "active" {
			active++
		}
	}
	return eventJSON{
		URI: base + "/scheduled_events/" + e.UUID, Name: e.Name, Status: e.Status,
		StartTime: Stamp(e.StartTime), EndTime: Stamp(e.EndTime),
		EventType: base + "/event_types/" + e.EventTypeUUID, Location: e.Location,
		InviteesCounter: countersJSON{Total: len(rec.invitees), Active: active, Limit: e.InviteesLimit},
		CreatedAt:       Stamp(e.CreatedAt), UpdatedAt: Stamp(e.UpdatedAt),
		EventMemberships: []membershipJSON{{User: base + "/users/" + s.user.UUID,
			UserEmail: s.user.Email, UserName: s.user.Name}},
		Cancellation: cancellationOf(e.Cancellation),
	}
}

func (s *Server) listInvitees(r *http.Request, base string) (any, *apiError) {
	q := r.URL.Query()
	count, desc, cur, aerr := listParams(q, "created_at")
	if aerr != nil {
		return nil, aerr
	}
	status := q.Get("status")
	if status != "" && status != "active" && status != "canceled" {
		return nil, invalidArgument("status", "status must be active or canceled")
	}
	email := q.Get("email")
	uuid := r.PathValue("uuid")

	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.events[uuid]
	if !ok {
		return nil, &apiError{status: http.StatusNotFound, body: ErrorResponse{
			Title: "Resource Not Found", Message: "The server could not find the requested resource."}}
	}
	var invs []*Invitee
	for _, inv := range rec.invitees {
		if (status == "" || inv.Status == status) && (email == "" || strings.EqualFold(inv.Email, email)) {
			invs = append(invs, inv)
		}
	}
	key := func(inv *Invitee) pos { return pos{inv.CreatedAt.UnixNano(), inv.UUID} }
	slices.SortFunc(invs, func(a, b *Invitee) int {
		n := cmp.Or(cmp.Compare(key(a).t, key(b).t), cmp.Compare(a.UUID, b.UUID))
		if desc {
			return -n
		}
		return n
	})
	page, pg := paginate(r, base, invs, key, desc, count, cur)
	eventURI := base + "/scheduled_events/" + uuid
	out := pageJSON[inviteeJSON]{Collection: make([]inviteeJSON, len(page)), Pagination: pg}
	for i, inv := range page {
		uri := eventURI + "/invitees/" + inv.UUID
		j := inviteeJSON{
			URI: uri, Email: inv.Email, Name: inv.Name,
			FirstName: strPtr(inv.FirstName), LastName: strPtr(inv.LastName),
			Status: inv.Status, Timezone: inv.Timezone, Event: eventURI,
			CreatedAt: Stamp(inv.CreatedAt), UpdatedAt: Stamp(inv.UpdatedAt),
			Rescheduled: inv.Rescheduled, Cancellation: cancellationOf(inv.Cancellation),
			QuestionsAndAnswers: inv.QuestionsAndAnswers,
			TextReminderNumber:  strPtr(inv.TextReminderNumber),
			CancelURL:           "https://calendly.com/cancellations/" + inv.UUID,
			RescheduleURL:       "https://calendly.com/reschedulings/" + inv.UUID,
		}
		if j.QuestionsAndAnswers == nil {
			j.QuestionsAndAnswers = []QA{}
		}
		if inv.NoShow != nil {
			j.NoShow = &noShowJSON{URI: base + "/invitee_no_shows/" + inv.UUID, CreatedAt: Stamp(*inv.NoShow)}
		}
		out.Collection[i] = j
	}
	s.Malform("", func(int) (string, bool) {
		if len(out.Collection) == 0 {
			return "", false
		}
		m := &out.Collection[len(out.Collection)/2]
		m.CreatedAt = BadTimestamp
		return m.URI, true
	})
	return out, nil
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
