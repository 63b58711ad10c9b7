package mailchimptest

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// TimeLayout is how Mailchimp writes times: RFC 3339, whole seconds, "+00:00".
const TimeLayout = "2006-01-02T15:04:05-07:00"

// Stamp formats t as Mailchimp does ("2024-05-01T01:02:03+00:00"); the zero time is "".
func Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeLayout)
}

// SubscriberHash is Mailchimp's member id: the MD5 hex of the lower-cased e-mail.
func SubscriberHash(email string) string { return md5hex(strings.ToLower(email)) }

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// Member statuses.
const (
	StatusSubscribed    = "subscribed"
	StatusUnsubscribed  = "unsubscribed"
	StatusCleaned       = "cleaned"
	StatusPending       = "pending"
	StatusTransactional = "transactional"
)

// Activity actions in campaign reports.
const (
	ActionOpen   = "open"
	ActionClick  = "click"
	ActionBounce = "bounce"
)

// List is an audience.
type List struct {
	ID          string
	Name        string
	DateCreated time.Time
}

// Member is a list member as the fake stores it. Fields left empty are filled by
// AddMembers: ID (SubscriberHash), ListID (DefaultListID), UniqueEmailID, ContactID,
// FullName ("FNAME LNAME"), Status (subscribed), timestamps (Now), Language, Location.
type Member struct {
	ID              string
	ListID          string
	EmailAddress    string
	UniqueEmailID   string
	ContactID       string
	FullName        string
	Status          string
	MergeFields     MergeFields
	TimestampSignup time.Time
	TimestampOpt    time.Time
	LastChanged     time.Time
	Tags            []Tag
	Language        string
	Location        Location
}

// MergeFields are the default audience fields. Birthday is "MM/DD"; a nil Address is
// written as "" as Mailchimp does for an empty address field.
type MergeFields struct {
	FNAME    string
	LNAME    string
	PHONE    string
	ADDRESS  *Address
	BIRTHDAY string
}

// MarshalJSON writes ADDRESS as "" when empty and always writes every field.
func (m MergeFields) MarshalJSON() ([]byte, error) {
	var addr any = ""
	if m.ADDRESS != nil {
		addr = m.ADDRESS
	}
	return json.Marshal(map[string]any{
		"FNAME": m.FNAME, "LNAME": m.LNAME, "PHONE": m.PHONE, "ADDRESS": addr, "BIRTHDAY": m.BIRTHDAY,
	})
}

// Address is Mailchimp's address merge field.
type Address struct {
	Addr1   string `json:"addr1"`
	Addr2   string `json:"addr2"`
	City    string `json:"city"`
	State   string `json:"state"`
	Zip     string `json:"zip"`
	Country string `json:"country"`
}

// Tag is a member tag.
type Tag struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// Location is a member's location.
type Location struct {
	CountryCode string `json:"country_code"`
	Timezone    string `json:"timezone"`
}

func (m *Member) clone() Member {
	c := *m
	c.Tags = append([]Tag(nil), m.Tags...)
	if m.MergeFields.ADDRESS != nil {
		a := *m.MergeFields.ADDRESS
		c.MergeFields.ADDRESS = &a
	}
	return c
}

// Campaign is a campaign. ListID defaults to DefaultListID, Status to "sent" when
// SendTime is set (else "save"), CreateTime to SendTime or Now, ID to a 10-hex id.
type Campaign struct {
	ID          string
	ListID      string
	Type        string
	Status      string
	SubjectLine string
	Title       string
	CreateTime  time.Time
	SendTime    time.Time
}

// Activity is one event of a campaign report: an open, click or bounce.
type Activity struct {
	CampaignID   string
	EmailAddress string
	Action       string
	Timestamp    time.Time
	URL          string
	IP           string
}

// Wire shapes.

type wireList struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	DateCreated string    `json:"date_created"`
	Stats       wireStats `json:"stats"`
}

type wireStats struct {
	MemberCount      int `json:"member_count"`
	UnsubscribeCount int `json:"unsubscribe_count"`
	CleanedCount     int `json:"cleaned_count"`
}

type wireMember struct {
	ID              string      `json:"id"`
	EmailAddress    string      `json:"email_address"`
	UniqueEmailID   string      `json:"unique_email_id"`
	ContactID       string      `json:"contact_id"`
	FullName        string      `json:"full_name"`
	Status          string      `json:"status"`
	MergeFields     MergeFields `json:"merge_fields"`
	TimestampSignup string      `json:"timestamp_signup"`
	TimestampOpt    string      `json:"timestamp_opt"`
	LastChanged     string      `json:"last_changed"`
	Language        string      `json:"language"`
	Location        Location    `json:"location"`
	TagsCount       int         `json:"tags_count"`
	Tags            []Tag       `json:"tags"`
	ListID          string      `json:"list_id"`
}

func toWireMember(m *Member) wireMember {
	tags := m.Tags
	if tags == nil {
		tags = []Tag{}
	}
	return wireMember{
		ID: m.ID, EmailAddress: m.EmailAddress, UniqueEmailID: m.UniqueEmailID,
		ContactID: m.ContactID, FullName: m.FullName, Status: m.Status,
		MergeFields: m.MergeFields, TimestampSignup: Stamp(m.TimestampSignup),
		TimestampOpt: Stamp(m.TimestampOpt), LastChanged: Stamp(m.LastChanged),
		Language: m.Language, Location: m.Location, TagsCount: len(tags), Tags: tags,
		ListID: m.ListID,
	}
}

type wireCampaign struct {
	ID         string             `json:"id"`
	Type       string             `json:"type"`
	CreateTime string             `json:"create_time"`
	SendTime   string             `json:"send_time"`
	Status     string             `json:"status"`
	Recipients wireRecipients     `json:"recipients"`
	Settings   wireCampaignConfig `json:"settings"`
}

type wireRecipients struct {
	ListID string `json:"list_id"`
}

type wireCampaignConfig struct {
	SubjectLine string `json:"subject_line"`
	Title       string `json:"title"`
}

type wireEmail struct {
	CampaignID   string         `json:"campaign_id"`
	ListID       string         `json:"list_id"`
	EmailID      string         `json:"email_id"`
	EmailAddress string         `json:"email_address"`
	Activity     []wireActivity `json:"activity"`
}

type wireActivity struct {
	Action    string `json:"action"`
	Timestamp string `json:"timestamp"`
	URL       string `json:"url,omitempty"`
	IP        string `json:"ip"`
}

type wireMemberActivity struct {
	Action     string `json:"action"`
	Timestamp  string `json:"timestamp"`
	URL        string `json:"url,omitempty"`
	CampaignID string `json:"campaign_id"`
	Title      string `json:"title"`
}
