package calendlytest

import "time"

// User is the authenticated user GET /users/me describes. URIs are built from the UUIDs
// and the base URL the request reached.
type User struct {
	UUID             string
	OrganizationUUID string
	Name             string
	Email            string
	Timezone         string // IANA name, default "Asia/Tokyo"
	Slug             string
}

// Event is a scheduled event (a booking). Zero fields are filled by AddEvent.
type Event struct {
	UUID          string // last segment of uri; generated when empty
	Name          string // the event type's name, e.g. "カット＋カラー"
	Status        string // "active" (default) or "canceled"
	StartTime     time.Time
	EndTime       time.Time // default StartTime + 1 h
	EventTypeUUID string    // generated from Name when empty
	Location      Location
	InviteesLimit int // invitees_counter.limit; default 1
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Cancellation  *Cancellation // set for a canceled event
}

// Location is an event's location object.
type Location struct {
	Type     string `json:"type"` // "physical", "zoom", "google_conference", ...
	Location string `json:"location,omitempty"`
	JoinURL  string `json:"join_url,omitempty"`
}

// Cancellation says who canceled an event or an invitee, and why.
type Cancellation struct {
	CanceledBy   string    // a name
	Reason       string    // free text; may be empty
	CancelerType string    // "invitee" or "host"
	CreatedAt    time.Time // default: when the cancellation was recorded
}

// Invitee is a person booked into an event. Zero fields are filled by AddInvitee.
type Invitee struct {
	UUID                string // last segment of uri; generated when empty
	Email               string
	Name                string
	FirstName           string // often empty: Calendly fills them only when the form asks separately
	LastName            string
	Status              string // "active" (default) or "canceled"
	Timezone            string
	CreatedAt           time.Time
	UpdatedAt           time.Time
	Rescheduled         bool
	Cancellation        *Cancellation
	NoShow              *time.Time // when the host marked the invitee a no-show
	QuestionsAndAnswers []QA
	TextReminderNumber  string // e.g. "+81 90-1234-5678"; empty when not given
}

// QA is one answer to a booking form question.
type QA struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Position int    `json:"position"`
}

// ErrorResponse is Calendly's error body for the API (not the OAuth endpoint).
type ErrorResponse struct {
	Title   string        `json:"title"`
	Message string        `json:"message"`
	Details []ErrorDetail `json:"details,omitempty"`
}

// ErrorDetail names a parameter that was rejected.
type ErrorDetail struct {
	Parameter string `json:"parameter,omitempty"`
	Message   string `json:"message"`
}

// OAuthError is the OAuth token endpoint's error body.
type OAuthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
}

// TokenResponse is the OAuth token endpoint's answer.
type TokenResponse struct {
	TokenType    string `json:"token_type"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	CreatedAt    int64  `json:"created_at"`
	Scope        string `json:"scope"`
	Owner        string `json:"owner"`
	Organization string `json:"organization"`
}

// Wire shapes, with times as strings so a page can carry a malformed one.

type userJSON struct {
	URI                 string `json:"uri"`
	Name                string `json:"name"`
	Slug                string `json:"slug"`
	Email               string `json:"email"`
	SchedulingURL       string `json:"scheduling_url"`
	Timezone            string `json:"timezone"`
	CurrentOrganization string `json:"current_organization"`
	CreatedAt           string `json:"created_at"`
	UpdatedAt           string `json:"updated_at"`
}

type cancellationJSON struct {
	CanceledBy   string `json:"canceled_by"`
	Reason       string `json:"reason"`
	CancelerType string `json:"canceler_type"`
	CreatedAt    string `json:"created_at"`
}

type countersJSON struct {
	Total  int `json:"total"`
	Active int `json:"active"`
	Limit  int `json:"limit"`
}

type eventJSON struct {
	URI              string            `json:"uri"`
	Name             string            `json:"name"`
	Status           string            `json:"status"`
	StartTime        string            `json:"start_time"`
	EndTime          string            `json:"end_time"`
	EventType        string            `json:"event_type"`
	Location         Location          `json:"location"`
	InviteesCounter  countersJSON      `json:"invitees_counter"`
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        string            `json:"updated_at"`
	EventMemberships []membershipJSON  `json:"event_memberships"`
	Cancellation     *cancellationJSON `json:"cancellation,omitempty"`
}

type membershipJSON struct {
	User      string `json:"user"`
	UserEmail string `json:"user_email"`
	UserName  string `json:"user_name"`
}

type noShowJSON struct {
	URI       string `json:"uri"`
	CreatedAt string `json:"created_at"`
}

type inviteeJSON struct {
	URI                 string            `json:"uri"`
	Email               string            `json:"email"`
	Name                string            `json:"name"`
	FirstName           *string           `json:"first_name"`
	LastName            *string           `json:"last_name"`
	Status              string            `json:"status"`
	Timezone            string            `json:"timezone"`
	Event               string            `json:"event"`
	CreatedAt           string            `json:"created_at"`
	UpdatedAt           string            `json:"updated_at"`
	Rescheduled         bool              `json:"rescheduled"`
	OldInvitee          *string           `json:"old_invitee"`
	NewInvitee          *string           `json:"new_invitee"`
	Cancellation        *cancellationJSON `json:"cancellation,omitempty"`
	NoShow              *noShowJSON       `json:"no_show"`
	QuestionsAndAnswers []QA              `json:"questions_and_answers"`
	TextReminderNumber  *string           `json:"text_reminder_number"`
	CancelURL           string            `json:"cancel_url"`
	RescheduleURL       string            `json:"reschedule_url"`
}

type paginationJSON struct {
	Count             int     `json:"count"`
	NextPage          *string `json:"next_page"`
	PreviousPage      *string `json:"previous_page"`
	NextPageToken     *string `json:"next_page_token"`
	PreviousPageToken *string `json:"previous_page_token"`
}

type pageJSON[T any] struct {
	Collection []T            `json:"collection"`
	Pagination paginationJSON `json:"pagination"`
}

// TimeFormat is how Calendly writes times: UTC with microseconds.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// BadTimestamp is the value MalformNext writes into a record's time.
const BadTimestamp = "2024-13-45T25:61:00.000000Z"

// Stamp formats t as Calendly does.
func Stamp(t time.Time) string { return t.UTC().Format(TimeFormat) }

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
