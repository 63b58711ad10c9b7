package mailchimptest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DefaultListID is the list members and campaigns go to when they name none.
const DefaultListID = "a1b2c3d4e5"

type listRec struct {
	list    List
	members map[string]*Member // by subscriber hash
	sorted  []*Member          // by last_changed, then id; nil when stale
}

func (l *listRec) order() []*Member {
	if l.sorted == nil {
		l.sorted = make([]*Member, 0, len(l.members))
		for _, m := range l.members {
			l.sorted = append(l.sorted, m)
		}
		slices.SortFunc(l.sorted, memberCmp)
	}
	return l.sorted
}

func memberCmp(a, b *Member) int {
	return cmp.Or(a.LastChanged.Compare(b.LastChanged), strings.Compare(a.ID, b.ID))
}

func (s *Server) nextIDLocked(prefix string) string {
	s.seq++
	return md5hex(fmt.Sprintf("%s-%d", prefix, s.seq))[:10]
}

func (s *Server) listLocked(id string) *listRec {
	if s.lists == nil {
		s.lists = make(map[string]*listRec)
	}
	l := s.lists[id]
	if l == nil {
		l = &listRec{list: List{ID: id, Name: "Newsletter", DateCreated: s.now()}, members: make(map[string]*Member)}
		s.lists[id] = l
		s.listOrder = append(s.listOrder, id)
	}
	return l
}

// AddList adds or renames a list. An empty ID gets a generated one; a zero DateCreated
// gets Now. It returns the stored list.
func (s *Server) AddList(l List) List {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.ID == "" {
		l.ID = s.nextIDLocked("list")
	}
	rec := s.listLocked(l.ID)
	if l.Name == "" {
		l.Name = rec.list.Name
	}
	if l.DateCreated.IsZero() {
		l.DateCreated = rec.list.DateCreated
	}
	rec.list = l
	return l
}

// AddMembers upserts members (by list and lower-cased e-mail), filling defaults (see
// Member), and returns the stored copies. A member with no e-mail panics.
func (s *Server) AddMembers(ms ...Member) []Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Member, 0, len(ms))
	for _, m := range ms {
		if m.EmailAddress == "" {
			panic("mailchimptest: AddMembers: member without email_address")
		}
		m = m.clone()
		s.fillMemberLocked(&m)
		l := s.listLocked(m.ListID)
		l.members[m.ID] = &m
		l.sorted = nil
		out = append(out, m.clone())
	}
	return out
}

func (s *Server) fillMemberLocked(m *Member) {
	now := s.now()
	m.ID = SubscriberHash(m.EmailAddress)
	if m.ListID == "" {
		m.ListID = DefaultListID
	}
	if m.UniqueEmailID == "" {
		m.UniqueEmailID = md5hex("unique:" + m.ListID + ":" + m.ID)[:10]
	}
	if m.ContactID == "" {
		m.ContactID = md5hex("contact:" + m.ID)
	}
	if m.FullName == "" {
		m.FullName = strings.TrimSpace(m.MergeFields.FNAME + " " + m.MergeFields.LNAME)
	}
	if m.Status == "" {
		m.Status = StatusSubscribed
	}
	if m.TimestampSignup.IsZero() {
		m.TimestampSignup = now
	}
	if m.TimestampOpt.IsZero() {
		m.TimestampOpt = m.TimestampSignup
	}
	if m.LastChanged.IsZero() {
		m.LastChanged = now
	}
	m.TimestampSignup = m.TimestampSignup.UTC().Truncate(time.Second)
	m.TimestampOpt = m.TimestampOpt.UTC().Truncate(time.Second)
	m.LastChanged = m.LastChanged.UTC().Truncate(time.Second)
	if m.Language == "" {
		m.Language = "ja"
	}
	if m.Location == (Location{}) {
		m.Location = Location{CountryCode: "JP", Timezone: "Asia/Tokyo"}
	}
}

// UpdateMember edits a copy of the member with that e-mail in every list that holds it,
// then sets its last_changed to Now, and returns the edited copy (of the last list, in
// list order). Changing the e-mail in fn is ignored. It fails if no list holds the e-mail.
func (s *Server) UpdateMember(email string, fn func(*Member)) (Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := SubscriberHash(email)
	var out Member
	found := false
	for _, lid := range s.listOrder {
		l := s.lists[lid]
		old := l.members[id]
		if old == nil {
			continue
		}
		m := old.clone()
		fn(&m)
		m.ID, m.ListID, m.EmailAddress = old.ID, old.ListID, old.EmailAddress
		m.LastChanged = s.now()
		l.members[id] = &m
		l.sorted = nil
		out, found = m.clone(), true
	}
	if !found {
		return Member{}, fmt.Errorf("mailchimptest: no member %q", email)
	}
	return out, nil
}

// Member returns a copy of the member with that e-mail in the list.
func (s *Server) Member(listID, email string) (Member, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lists[listID]
	if l == nil {
		return Member{}, false
	}
	m := l.members[SubscriberHash(email)]
	if m == nil {
		return Member{}, false
	}
	return m.clone(), true
}

// Members returns copies of the list's members in the order the fake serves them.
func (s *Server) Members(listID string) []Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lists[listID]
	if l == nil {
		return nil
	}
	out := make([]Member, 0, len(l.members))
	for _, m := range l.order() {
		out = append(out, m.clone())
	}
	return out
}

// AddCampaign upserts a campaign by ID, filling defaults (see Campaign), and returns it.
func (s *Server) AddCampaign(c Campaign) Campaign {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ID == "" {
		c.ID = s.nextIDLocked("campaign")
	}
	if c.ListID == "" {
		c.ListID = DefaultListID
	}
	s.listLocked(c.ListID)
	if c.Type == "" {
		c.Type = "regular"
	}
	c.SendTime = c.SendTime.UTC().Truncate(time.Second)
	if c.Status == "" {
		c.Status = "save"
		if !c.SendTime.IsZero() {
			c.Status = "sent"
		}
	}
	if c.CreateTime.IsZero() {
		c.CreateTime = c.SendTime
		if c.CreateTime.IsZero() {
			c.CreateTime = s.now()
		}
	}
	c.CreateTime = c.CreateTime.UTC().Truncate(time.Second)
	if c.Title == "" {
		c.Title = c.SubjectLine
	}
	if s.campaigns == nil {
		s.campaigns = make(map[string]*Campaign)
	}
	s.campaigns[c.ID] = &c
	return c
}

// AddActivity records an open, click or bounce of the campaign by the e-mail at time at
// (url is for clicks). It fails for an unknown campaign or action.
func (s *Server) AddActivity(campaignID, email, action string, at time.Time, url string) error {
	switch action {
	case ActionOpen, ActionClick, ActionBounce:
	default:
		return fmt.Errorf("mailchimptest: unknown action %q", action)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.campaigns[campaignID] == nil {
		return fmt.Errorf("mailchimptest: no campaign %q", campaignID)
	}
	s.addActivityLocked(Activity{
		CampaignID: campaignID, EmailAddress: email, Action: action,
		Timestamp: at.UTC().Truncate(time.Second), URL: url, IP: fakeIP(email),
	})
	return nil
}

func (s *Server) addActivityLocked(a Activity) {
	if s.activity == nil {
		s.activity = make(map[string][]Activity)
	}
	s.activity[a.CampaignID] = append(s.activity[a.CampaignID], a)
}

// fakeIP is a stable documentation-range address (RFC 5737) for an e-mail.
func fakeIP(email string) string {
	h := SubscriberHash(email)
	return fmt.Sprintf("203.0.113.%d", 1+int(h[0])%250)
}
