package store

import "time"

// Customer is one person: the unified row BI tools read. Its fields are
// chosen from the person's identities (survivorship); FieldSources says
// which source each came from.
type Customer struct {
	ID             int64 `gorm:"primaryKey"`
	DisplayName    string
	NameKana       string
	Email          string
	Phone          string
	Birthday       *time.Time `gorm:"type:date"`
	BirthdayMD     string     `gorm:"column:birthday_md"`
	PostalCode     string
	Address        string
	Company        string
	LifecycleStage string
	FirstSeenAt    *time.Time
	LastActivityAt *time.Time
	LastPurchaseAt *time.Time
	PurchaseCount  int
	GrossSales     int64
	RefundTotal    int64
	DiscountTotal  int64
	NetSales       int64
	Currency       string
	RFMRecency     *int   `gorm:"column:rfm_recency"`
	RFMFrequency   *int   `gorm:"column:rfm_frequency"`
	RFMMonetary    *int   `gorm:"column:rfm_monetary"`
	RFMSegment     string `gorm:"column:rfm_segment"`
	DormantSince   *time.Time
	// Added in schema version 6.
	FirstPurchaseAt *time.Time
	Contacts90d     int   `gorm:"column:contacts_90d"`
	LTV             int64 `gorm:"column:ltv"`
	IdentityCount   int
	FieldSources    string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// TableName is part of the BI contract.
func (Customer) TableName() string { return "customers" }

// Identity is one person as one source knows them (one source record).
type Identity struct {
	ID               int64 `gorm:"primaryKey"`
	CustomerID       int64
	Source           string
	SourceType       string
	ExternalID       string
	FullName         string
	FamilyName       string
	GivenName        string
	NameKana         string
	Email            string
	Emails           string
	Phone            string
	Phones           string
	Birthday         string
	PostalCode       string
	Address          string
	Company          string
	MarketingConsent *bool
	EmailKey         string
	PhoneKey         string
	NameKey          string
	Raw              string
	SourceUpdatedAt  *time.Time
	FirstSeenAt      time.Time
	LastSeenAt       time.Time
}

// TableName is part of the BI contract.
func (Identity) TableName() string { return "customer_identities" }

// Activity is something a person did, at a time.
type Activity struct {
	ID         int64 `gorm:"primaryKey"`
	CustomerID *int64
	IdentityID *int64
	Source     string
	SourceType string
	ExternalID string
	Kind       string
	OccurredAt time.Time
	Amount     *int64
	Currency   string
	Summary    string
	Raw        string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TableName is part of the BI contract.
func (Activity) TableName() string { return "activities" }

// Alias maps a customer id retired by a merge to the surviving customer.
type Alias struct {
	RetiredID  int64 `gorm:"primaryKey;autoIncrement:false"`
	CustomerID int64
	MergedAt   time.Time
}

// TableName is part of the BI contract.
func (Alias) TableName() string { return "customer_aliases" }

// MergeEvent records a merge or split of customers, with why.
type MergeEvent struct {
	ID              int64 `gorm:"primaryKey"`
	Action          string
	CustomerID      int64
	OtherCustomerID *int64
	IdentityID      *int64
	Rule            string
	Score           *float64
	Evidence        string
	Actor           string
	UndoneAt        *time.Time
	CreatedAt       time.Time
}

// TableName is part of the BI contract.
func (MergeEvent) TableName() string { return "merge_events" }

// Run statuses recorded in sync_runs.
const (
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
	RunPartial   = "partial"
	RunCanceled  = "canceled"
	RunSkipped   = "skipped"
)

// SyncRun is one run of one connector stream.
type SyncRun struct {
	ID              int64 `gorm:"primaryKey"`
	Connector       string
	Stream          string
	StartedAt       time.Time
	FinishedAt      *time.Time
	Status          string
	Pages           int
	RecordsRead     int
	RecordsWritten  int
	RecordsRejected int
	CursorBefore    string
	CursorAfter     string
	Error           string
}

// TableName is part of the BI contract.
func (SyncRun) TableName() string { return "sync_runs" }

// SyncState holds a connector stream's committed cursor.
type SyncState struct {
	Connector string `gorm:"primaryKey"`
	Stream    string `gorm:"primaryKey"`
	Cursor    string
	RunID     int64
	UpdatedAt time.Time
}

// TableName is part of the BI contract.
func (SyncState) TableName() string { return "sync_state" }

// RejectedRecord is a record a connector could not read, kept for a person
// to fix at the source.
type RejectedRecord struct {
	ID         int64 `gorm:"primaryKey"`
	RunID      int64
	Connector  string
	Stream     string
	ExternalID string
	Location   string
	Field      string
	Reason     string
	Raw        string
	CreatedAt  time.Time
}

// TableName is part of the BI contract.
func (RejectedRecord) TableName() string { return "rejected_records" }

// Alert statuses recorded in alerts.
const (
	// AlertPending waits for the next delivery.
	AlertPending = "pending"
	// AlertSent was delivered.
	AlertSent = "sent"
	// AlertHeld waits for quiet hours to end.
	AlertHeld = "held"
	// AlertFailed will not be sent: it could not be read back.
	AlertFailed = "failed"
)

// Alert is a notification sent (or held) for a customer.
type Alert struct {
	ID         int64 `gorm:"primaryKey"`
	Rule       string
	CustomerID *int64
	DedupKey   string
	Channel    string
	Status     string
	Payload    string
	Error      string
	CreatedAt  time.Time
	SentAt     *time.Time
	// Attempts counts failed deliveries; NotBefore, when set, delays the
	// next one (migration 5).
	Attempts  int
	NotBefore *time.Time
}

// TableName is part of the BI contract.
func (Alert) TableName() string { return "alerts" }

// Lock is a lease on a named job, so that several daemons on one database
// run each job once.
type Lock struct {
	Name       string `gorm:"primaryKey"`
	Holder     string
	AcquiredAt time.Time
	ExpiresAt  time.Time
}

// TableName names the lock table.
func (Lock) TableName() string { return "sync_locks" }

// MatchKey is one blocking key of an identity.
type MatchKey struct {
	KeyHash    int64 `gorm:"primaryKey;autoIncrement:false"`
	IdentityID int64 `gorm:"primaryKey;autoIncrement:false"`
}

// TableName names the table.
func (MatchKey) TableName() string { return "match_keys" }

// MetricCuts are the RFM quintile cuts of the last daily metrics pass.
type MetricCuts struct {
	Name       string `gorm:"primaryKey"`
	Cuts       string
	Customers  int64
	ComputedAt time.Time
}

// TableName names the cuts table.
func (MetricCuts) TableName() string { return "metric_cuts" }

// StaleCustomer queues a customer whose row awaits a rebuild.
type StaleCustomer struct {
	CustomerID int64 `gorm:"primaryKey;autoIncrement:false"`
	MarkedAt   time.Time
}

// TableName names the table.
func (StaleCustomer) TableName() string { return "stale_customers" }

// MatchComponent places an identity in its component.
type MatchComponent struct {
	IdentityID  int64 `gorm:"primaryKey;autoIncrement:false"`
	ComponentID int64
}

// TableName names the table.
func (MatchComponent) TableName() string { return "match_components" }

// Decisions a person can record about two identities.
const (
	DecisionMerge = "merge"
	DecisionNever = "never"
)

// MatchOverride is a person's decision about two identities.
type MatchOverride struct {
	IdentityA int64 `gorm:"primaryKey;autoIncrement:false"`
	IdentityB int64 `gorm:"primaryKey;autoIncrement:false"`
	Decision  string
	Actor     string
	Note      string
	CreatedAt time.Time
}

// TableName names the table.
func (MatchOverride) TableName() string { return "match_overrides" }

// MatchReview is a pair of identities that may be one person, for a person
// to decide.
type MatchReview struct {
	IdentityA int64 `gorm:"primaryKey;autoIncrement:false"`
	IdentityB int64 `gorm:"primaryKey;autoIncrement:false"`
	Score     float64
	Reason    string
	Evidence  string
	CreatedAt time.Time
}

// TableName names the table.
func (MatchReview) TableName() string { return "match_reviews" }
