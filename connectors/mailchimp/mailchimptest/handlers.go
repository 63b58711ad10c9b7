package mailchimptest

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxCount is the largest count Mailchimp accepts; DefaultCount applies when none is given.
const (
	MaxCount     = 1000
	DefaultCount = 10
)

func invalid(detail string) *Problem {
	return problem(http.StatusBadRequest, "Invalid Resource", detail)
}

func notFound() *Problem {
	return problem(http.StatusNotFound, "Resource Not Found", "The requested resource could not be found.")
}

// page parses count and offset.
func page(r *http.Request) (count, offset int, p *Problem) {
	q := r.URL.Query()
	count, offset = DefaultCount, 0
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxCount {
			return 0, 0, invalid(fmt.Sprintf("count must be an integer from 1 to %d, got %q", MaxCount, v))
		}
		count = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, invalid(fmt.Sprintf("offset must be a non-negative integer, got %q", v))
		}
		offset = n
	}
	return count, offset, nil
}

func window[T any](all []T, count, offset int) []T {
	if offset >= len(all) {
		return []T{}
	}
	return all[offset:min(len(all), offset+count)]
}

var sinceLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// since parses an ISO 8601 query parameter; ok is false when it is absent.
func since(r *http.Request, name string) (t time.Time, ok bool, p *Problem) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, false, nil
	}
	for _, l := range sinceLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC(), true, nil
		}
	}
	return time.Time{}, false, invalid(fmt.Sprintf("%s is not an ISO 8601 time: %q", name, v))
}

// after reports whether t passes a since filter at s.
func (s *Server) after(t, since time.Time) bool {
	if s.InclusiveSince {
		return !t.Before(since)
	}
	return t.After(since)
}

func (s *Server) listLists(r *http.Request) (any, *Problem) {
	count, offset, p := page(r)
	if p != nil {
		return nil, p
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := make([]wireList, 0, len(s.listOrder))
	for _, id := range s.listOrder {
		l := s.lists[id]
		var st wireStats
		for _, m := range l.members {
			switch m.Status {
			case StatusSubscribed:
				st.MemberCount++
			case StatusUnsubscribed:
				st.UnsubscribeCount++
			case StatusCleaned:
				st.CleanedCount++
			}
		}
		all = append(all, wireList{ID: l.list.ID, Name: l.list.Name, DateCreated: Stamp(l.list.DateCreated), Stats: st})
	}
	return map[string]any{"lists": window(all, count, offset), "total_items": len(all)}, nil
}

var memberStatuses = []string{StatusSubscribed, StatusUnsubscribed, StatusCleaned, StatusPending, StatusTransactional, "archived"}

func (s *Server) listMembers(r *http.Request) (any, *Problem) {
	count, offset, p := page(r)
	if p != nil {
		return nil, p
	}
	sinceT, hasSince, p := since(r, "since_last_changed")
	if p != nil {
		return nil, p
	}
	status := r.URL.Query().Get("status")
	if status != "" && !slices.Contains(memberStatuses, status) {
		return nil, invalid(fmt.Sprintf("status must be one of %s, got %q", strings.Join(memberStatuses, ", "), status))
	}
	listID := r.PathValue("list_id")

	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lists[listID]
	if l == nil {
		return nil, notFound()
	}
	var match []*Member
	for _, m := range l.order() {
		if status != "" && m.Status != status {
			continue
		}
		if hasSince && !s.after(m.LastChanged, sinceT) {
			continue
		}
		match = append(match, m)
	}
	pg := window(match, count, offset)
	out := make([]wireMember, len(pg))
	for i, m := range pg {
		out[i] = toWireMember(m)
	}
	s.Malform("", func(int) (string, bool) {
		if len(out) == 0 {
			return "", false
		}
		bad := &out[len(out)/2]
		bad.LastChanged = BadTimestamp
		return bad.ID, true
	})
	return map[string]any{"members": out, "list_id": listID, "total_items": len(match)}, nil
}

func (s *Server) memberActivity(r *http.Request) (any, *Problem) {
	listID, hash := r.PathValue("list_id"), strings.ToLower(r.PathValue("subscriber_hash"))
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lists[listID]
	if l == nil {
		return nil, notFound()
	}
	if l.members[hash] == nil {
		return nil, notFound()
	}
	var acts []wireMemberActivity
	var times []time.Time
	for cid, events := range s.activity {
		c := s.campaigns[cid]
		if c == nil || c.ListID != listID {
			continue
		}
		for _, a := range events {
			if SubscriberHash(a.EmailAddress) != hash {
				continue
			}
			acts = append(acts, wireMemberActivity{Action: a.Action, Timestamp: Stamp(a.Timestamp), URL: a.URL, CampaignID: cid, Title: c.Title})
			times = append(times, a.Timestamp)
		}
	}
	idx := make([]int, len(acts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { // newest first
		return cmp.Or(times[b].Compare(times[a]), strings.Compare(acts[a].CampaignID, acts[b].CampaignID))
	})
	out := make([]wireMemberActivity, 0, min(50, len(idx)))
	for _, i := range idx[:min(50, len(idx))] {
		out = append(out, acts[i])
	}
	return map[string]any{"activity": out, "email_id": hash, "list_id": listID, "total_items": len(out)}, nil
}

var campaignStatuses = []string{"save", "paused", "schedule", "sending", "sent"}

func (s *Server) listCampaigns(r *http.Request) (any, *Problem) {
	count, offset, p := page(r)
	if p != nil {
		return nil, p
	}
	sinceT, hasSince, p := since(r, "since_send_time")
	if p != nil {
		return nil, p
	}
	q := r.URL.Query()
	status := q.Get("status")
	if status != "" && !slices.Contains(campaignStatuses, status) {
		return nil, invalid(fmt.Sprintf("status must be one of %s, got %q", strings.Join(campaignStatuses, ", "), status))
	}
	listID := q.Get("list_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*Campaign
	for _, c := range s.campaigns {
		if status != "" && c.Status != status {
			continue
		}
		if listID != "" && c.ListID != listID {
			continue
		}
		if hasSince && (c.SendTime.IsZero() || !s.after(c.SendTime, sinceT)) {
			continue
		}
		match = append(match, c)
	}
	slices.SortFunc(match, func(a, b *Campaign) int {
		return cmp.Or(a.CreateTime.Compare(b.CreateTime), strings.Compare(a.ID, b.ID))
	})
	pg := window(match, count, offset)
	out := make([]wireCampaign, len(pg))
	for i, c := range pg {
		out[i] = wireCampaign{
			ID: c.ID, Type: c.Type, CreateTime: Stamp(c.CreateTime), SendTime: Stamp(c.SendTime),
			Status: c.Status, Recipients: wireRecipients{ListID: c.ListID},
			Settings: wireCampaignConfig{SubjectLine: c.SubjectLine, Title: c.Title},
		}
	}
	return map[string]any{"campaigns": out, "total_items": len(match)}, nil
}

func (s *Server) emailActivity(r *http.Request) (any, *Problem) {
	count, offset, p := page(r)
	if p != nil {
		return nil, p
	}
	sinceT, hasSince, p := since(r, "since")
	if p != nil {
		return nil, p
	}
	cid := r.PathValue("campaign_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.campaigns[cid]
	if c == nil {
		return nil, notFound()
	}
	byEmail := map[string]*wireEmail{}
	for _, a := range s.activity[cid] {
		if hasSince && !s.after(a.Timestamp, sinceT) {
			continue
		}
		id := SubscriberHash(a.EmailAddress)
		e := byEmail[id]
		if e == nil {
			e = &wireEmail{CampaignID: cid, ListID: c.ListID, EmailID: id, EmailAddress: a.EmailAddress}
			byEmail[id] = e
		}
		e.Activity = append(e.Activity, wireActivity{Action: a.Action, Timestamp: Stamp(a.Timestamp), URL: a.URL, IP: a.IP})
	}
	all := make([]*wireEmail, 0, len(byEmail))
	for _, e := range byEmail {
		slices.SortStableFunc(e.Activity, func(a, b wireActivity) int { return strings.Compare(a.Timestamp, b.Timestamp) })
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b *wireEmail) int { return strings.Compare(a.EmailID, b.EmailID) })
	return map[string]any{"emails": window(all, count, offset), "campaign_id": cid, "total_items": len(all)}, nil
}
