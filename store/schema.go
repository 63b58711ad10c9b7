package store

import (
	"fmt"
	"strings"
)

// Dialects the store speaks.
const (
	MySQL  = "mysql"
	SQLite = "sqlite"
)

// colType is a column type in dialect-neutral terms.
type colType int

const (
	tID     colType = iota // surrogate key: auto-increment, never reused
	tRef                   // reference to another table's id
	tInt                   // small whole number
	tBigint                // money in minor units, counts
	tBool                  // true/false
	tFloat                 // a score
	tTime                  // an instant, stored in UTC
	tDate                  // a calendar date
	tText                  // long text
	tJSON                  // a JSON document kept as text
	tString                // short text, case-insensitive in MySQL
	tKey                   // short text compared byte for byte (ids, match keys)
)

type column struct {
	name    string
	typ     colType
	size    int // for tString and tKey
	null    bool
	comment string
}

type index struct {
	name    string
	unique  bool
	columns []string
}

type table struct {
	name    string
	comment string
	columns []column
	// primary lists the primary key columns when it is not a tID column.
	primary []string
	indexes []index
}

func (c column) sql(dialect string) string {
	var typ string
	name := ident(dialect, c.name)
	switch dialect {
	case MySQL:
		switch c.typ {
		case tID:
			return fmt.Sprintf("%s BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY COMMENT %s", name, quote(c.comment))
		case tRef, tBigint:
			typ = "BIGINT"
		case tInt:
			typ = "INT"
		case tBool:
			typ = "TINYINT(1)"
		case tFloat:
			typ = "DOUBLE"
		case tTime:
			typ = "DATETIME(3)"
		case tDate:
			typ = "DATE"
		case tText, tJSON:
			typ = "MEDIUMTEXT"
		case tString:
			typ = fmt.Sprintf("VARCHAR(%d)", c.size)
		case tKey:
			typ = fmt.Sprintf("VARCHAR(%d) COLLATE utf8mb4_bin", c.size)
		}
	case SQLite:
		switch c.typ {
		case tID:
			return name + " INTEGER PRIMARY KEY AUTOINCREMENT"
		case tRef, tBigint, tInt, tBool:
			typ = "INTEGER"
		case tFloat:
			typ = "REAL"
		case tTime:
			typ = "DATETIME"
		case tDate:
			typ = "DATE"
		default:
			typ = "TEXT"
		}
	}
	var b strings.Builder
	b.WriteString(name + " " + typ)
	switch {
	case c.null:
		b.WriteString(" NULL")
	case c.typ == tString || c.typ == tKey:
		b.WriteString(" NOT NULL DEFAULT ''")
	case c.typ == tText || c.typ == tJSON:
		b.WriteString(" NOT NULL") // MySQL allows no default on TEXT
	case c.typ == tRef || c.typ == tInt || c.typ == tBigint || c.typ == tBool:
		b.WriteString(" NOT NULL DEFAULT 0")
	default:
		b.WriteString(" NOT NULL")
	}
	if dialect == MySQL && c.comment != "" {
		b.WriteString(" COMMENT " + quote(c.comment))
	}
	return b.String()
}

// create returns the statements that create t and its indexes. They are
// idempotent, so a migration cut off halfway (MySQL commits each DDL
// statement) can simply run again.
func (t table) create(dialect string) []string {
	var defs []string
	for _, c := range t.columns {
		defs = append(defs, "  "+c.sql(dialect))
	}
	if len(t.primary) > 0 {
		defs = append(defs, "  PRIMARY KEY ("+identList(dialect, t.primary)+")")
	}
	if dialect == MySQL {
		// MySQL has no CREATE INDEX IF NOT EXISTS: define them with the table.
		for _, ix := range t.indexes {
			kind := "KEY"
			if ix.unique {
				kind = "UNIQUE KEY"
			}
			defs = append(defs, fmt.Sprintf("  %s %s (%s)", kind, ident(dialect, ix.name), identList(dialect, ix.columns)))
		}
	}
	stmt := "CREATE TABLE IF NOT EXISTS " + ident(dialect, t.name) + " (\n" + strings.Join(defs, ",\n") + "\n)"
	if dialect == MySQL {
		return []string{stmt + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT=" + quote(t.comment)}
	}
	stmts := []string{stmt}
	for _, ix := range t.indexes {
		kind := "INDEX"
		if ix.unique {
			kind = "UNIQUE INDEX"
		}
		stmts = append(stmts, fmt.Sprintf("CREATE %s IF NOT EXISTS %s ON %s (%s)", kind, ident(dialect, ix.name), ident(dialect, t.name), identList(dialect, ix.columns)))
	}
	return stmts
}

// ident quotes a name: some of ours (cursor) are reserved words in MySQL.
func ident(dialect, name string) string {
	if dialect == MySQL {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

func identList(dialect string, names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = ident(dialect, n)
	}
	return strings.Join(q, ", ")
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Shared column shapes.
var (
	colSource     = column{name: "source", typ: tKey, size: 64, comment: "connector name from the config that supplied the record"}
	colSourceType = column{name: "source_type", typ: tKey, size: 32, comment: "connector type: csv, square, mailchimp, ..."}
	colExternalID = column{name: "external_id", typ: tKey, size: 191, comment: "the source's own id for the record"}
	colRaw        = column{name: "raw", typ: tJSON, comment: "the source record as JSON, including fields nayose does not map"}
	colCreatedAt  = column{name: "created_at", typ: tTime, comment: "when nayose created the row (UTC)"}
	colUpdatedAt  = column{name: "updated_at", typ: tTime, comment: "when nayose last changed the row (UTC)"}
)

// schemaV1 is the table contract of DESIGN.md.
var schemaV1 = []table{
	{
		name:    "customers",
		comment: "One row per person, unified from every source. Fields are chosen from the person's identities; merged-away ids live on in customer_aliases.",
		columns: []column{
			{name: "id", typ: tID, comment: "stable customer id; when two customers merge the older id survives"},
			{name: "display_name", typ: tString, size: 255, comment: "name to show: family name first for Japanese names"},
			{name: "name_kana", typ: tString, size: 255, comment: "reading of the name in katakana"},
			{name: "email", typ: tString, size: 320, comment: "best email address, lower-cased"},
			{name: "phone", typ: tString, size: 32, comment: "best phone number in E.164 (+819012345678)"},
			{name: "birthday", typ: tDate, null: true, comment: "date of birth when the year is known"},
			{name: "birthday_md", typ: tString, size: 5, comment: "month and day of birth, MM-DD, also when the year is unknown"},
			{name: "postal_code", typ: tString, size: 16, comment: "postal code, 123-4567 for Japan"},
			{name: "address", typ: tString, size: 512, comment: "postal address"},
			{name: "company", typ: tString, size: 255, comment: "company or organisation"},
			{name: "lifecycle_stage", typ: tString, size: 20, comment: "prospect, opportunity, customer, repeat or dormant"},
			{name: "first_seen_at", typ: tTime, null: true, comment: "earliest time any source knew the person (UTC)"},
			{name: "last_activity_at", typ: tTime, null: true, comment: "time of the latest activity of any kind (UTC)"},
			{name: "last_purchase_at", typ: tTime, null: true, comment: "time of the latest purchase (UTC)"},
			{name: "purchase_count", typ: tInt, comment: "number of purchases"},
			{name: "gross_sales", typ: tBigint, comment: "purchases before discounts (what was charged plus the discounts given), in minor units of currency (yen for JPY)"},
			{name: "refund_total", typ: tBigint, comment: "sum of refunds, in minor units of currency"},
			{name: "discount_total", typ: tBigint, comment: "sum of discounts, in minor units of currency"},
			{name: "net_sales", typ: tBigint, comment: "gross_sales minus discounts and refunds (canceled sales never count), in minor units"},
			{name: "currency", typ: tKey, size: 3, comment: "ISO 4217 currency of the money columns"},
			{name: "rfm_recency", typ: tInt, null: true, comment: "RFM recency score, 1 (long ago) to 5 (recent)"},
			{name: "rfm_frequency", typ: tInt, null: true, comment: "RFM frequency score, 1 to 5"},
			{name: "rfm_monetary", typ: tInt, null: true, comment: "RFM monetary score, 1 to 5"},
			{name: "rfm_segment", typ: tString, size: 32, comment: "named RFM segment (champions, at_risk, ...)"},
			{name: "dormant_since", typ: tTime, null: true, comment: "when the customer became dormant; NULL while active (UTC)"},
			{name: "identity_count", typ: tInt, comment: "number of source records merged into this customer"},
			{name: "field_sources", typ: tJSON, comment: "JSON object: for each field, the source it was taken from"},
			colCreatedAt,
			colUpdatedAt,
		},
		indexes: []index{
			{name: "ix_customers_email", columns: []string{"email"}},
			{name: "ix_customers_phone", columns: []string{"phone"}},
			{name: "ix_customers_last_purchase_at", columns: []string{"last_purchase_at"}},
			{name: "ix_customers_lifecycle_stage", columns: []string{"lifecycle_stage"}},
		},
	},
	{
		name:    "customer_identities",
		comment: "One row per source record of a person. Each belongs to exactly one customer.",
		columns: []column{
			{name: "id", typ: tID, comment: "identity id"},
			{name: "customer_id", typ: tRef, comment: "customers.id this record is resolved to"},
			colSource,
			colSourceType,
			colExternalID,
			{name: "full_name", typ: tString, size: 255, comment: "name as the source wrote it"},
			{name: "family_name", typ: tString, size: 255, comment: "family name as the source wrote it"},
			{name: "given_name", typ: tString, size: 255, comment: "given name as the source wrote it"},
			{name: "name_kana", typ: tString, size: 255, comment: "reading of the name as the source wrote it"},
			{name: "email", typ: tString, size: 320, comment: "first email address as the source wrote it"},
			{name: "emails", typ: tJSON, comment: "JSON array of every email address the source gave"},
			{name: "phone", typ: tString, size: 64, comment: "first phone number as the source wrote it"},
			{name: "phones", typ: tJSON, comment: "JSON array of every phone number the source gave"},
			{name: "birthday", typ: tString, size: 10, comment: "date of birth, ISO 8601 (1985-04-12, or --04-12 without a year)"},
			{name: "postal_code", typ: tString, size: 16, comment: "postal code as the source wrote it"},
			{name: "address", typ: tString, size: 512, comment: "address as the source wrote it"},
			{name: "company", typ: tString, size: 255, comment: "company as the source wrote it"},
			{name: "marketing_consent", typ: tBool, null: true, comment: "1 consented, 0 refused, NULL unknown"},
			{name: "email_key", typ: tKey, size: 320, comment: "normalized email used for matching"},
			{name: "phone_key", typ: tKey, size: 32, comment: "normalized phone (E.164) used for matching"},
			{name: "name_key", typ: tKey, size: 255, comment: "normalized name used for matching"},
			colRaw,
			{name: "source_updated_at", typ: tTime, null: true, comment: "when the source last changed the record (UTC)"},
			{name: "first_seen_at", typ: tTime, comment: "when nayose first read the record (UTC)"},
			{name: "last_seen_at", typ: tTime, comment: "when nayose last read the record (UTC)"},
		},
		indexes: []index{
			{name: "ux_identities_source_external_id", unique: true, columns: []string{"source", "external_id"}},
			{name: "ix_identities_customer_id", columns: []string{"customer_id"}},
			{name: "ix_identities_email_key", columns: []string{"email_key"}},
			{name: "ix_identities_phone_key", columns: []string{"phone_key"}},
		},
	},
	{
		name:    "activities",
		comment: "One row per thing a person did (purchase, refund, booking, inquiry, message, email open...), with its time.",
		columns: []column{
			{name: "id", typ: tID, comment: "activity id"},
			{name: "customer_id", typ: tRef, null: true, comment: "customers.id of the person; NULL for anonymous events such as a walk-in sale"},
			{name: "identity_id", typ: tRef, null: true, comment: "customer_identities.id of the source record it came with"},
			colSource,
			colSourceType,
			colExternalID,
			{name: "kind", typ: tKey, size: 32, comment: "purchase, refund, discount, booking, booking_canceled, inquiry, message, email_open, email_click, subscribe, unsubscribe, invoice, payment"},
			{name: "occurred_at", typ: tTime, comment: "when it happened (UTC)"},
			{name: "amount", typ: tBigint, null: true, comment: "money in minor units of currency (yen for JPY, cents for USD); NULL when none"},
			{name: "currency", typ: tKey, size: 3, comment: "ISO 4217 currency of amount"},
			{name: "summary", typ: tString, size: 1024, comment: "short human description: items bought, question asked"},
			colRaw,
			colCreatedAt,
			colUpdatedAt,
		},
		indexes: []index{
			{name: "ux_activities_source_kind_external_id", unique: true, columns: []string{"source", "kind", "external_id"}},
			{name: "ix_activities_customer_occurred", columns: []string{"customer_id", "occurred_at"}},
			{name: "ix_activities_kind_occurred", columns: []string{"kind", "occurred_at"}},
			{name: "ix_activities_identity_id", columns: []string{"identity_id"}},
		},
	},
	{
		name:    "customer_aliases",
		comment: "Customer ids retired by merges, pointing at the customer that survived, so old links still find the person.",
		columns: []column{
			{name: "retired_id", typ: tRef, comment: "the customer id that no longer exists"},
			{name: "customer_id", typ: tRef, comment: "customers.id of the surviving customer"},
			{name: "merged_at", typ: tTime, comment: "when the merge happened (UTC)"},
		},
		primary: []string{"retired_id"},
		indexes: []index{{name: "ix_aliases_customer_id", columns: []string{"customer_id"}}},
	},
	{
		name:    "merge_events",
		comment: "Every merge and split of customers, with the rule, score and evidence that decided it.",
		columns: []column{
			{name: "id", typ: tID, comment: "event id"},
			{name: "action", typ: tKey, size: 16, comment: "merge or split"},
			{name: "customer_id", typ: tRef, comment: "the surviving (merge) or original (split) customer"},
			{name: "other_customer_id", typ: tRef, null: true, comment: "the retired (merge) or new (split) customer"},
			{name: "identity_id", typ: tRef, null: true, comment: "the identity that caused the event, when one did"},
			{name: "rule", typ: tString, size: 64, comment: "the rule that decided: same_email, same_phone, manual, ..."},
			{name: "score", typ: tFloat, null: true, comment: "match score, when scored"},
			{name: "evidence", typ: tJSON, comment: "JSON: the evidence per field"},
			{name: "actor", typ: tKey, size: 16, comment: "auto or manual"},
			{name: "undone_at", typ: tTime, null: true, comment: "when the event was undone; NULL if it stands (UTC)"},
			colCreatedAt,
		},
		indexes: []index{
			{name: "ix_merge_events_customer_id", columns: []string{"customer_id"}},
			{name: "ix_merge_events_other_customer_id", columns: []string{"other_customer_id"}},
		},
	},
	{
		name:    "sync_runs",
		comment: "One row per run of one connector stream: status, counts and error.",
		columns: []column{
			{name: "id", typ: tID, comment: "run id"},
			{name: "connector", typ: tKey, size: 64, comment: "connector name from the config"},
			{name: "stream", typ: tKey, size: 64, comment: "stream of the connector: customers, purchases, orders, ..."},
			{name: "started_at", typ: tTime, comment: "when the run started (UTC)"},
			{name: "finished_at", typ: tTime, null: true, comment: "when the run ended; NULL while running (UTC)"},
			{name: "status", typ: tKey, size: 16, comment: "running, succeeded, partial, failed or canceled"},
			{name: "pages", typ: tInt, comment: "pages committed"},
			{name: "records_read", typ: tInt, comment: "records read from the source"},
			{name: "records_written", typ: tInt, comment: "records stored"},
			{name: "records_rejected", typ: tInt, comment: "records sent to rejected_records"},
			{name: "cursor_before", typ: tText, comment: "cursor the run started from"},
			{name: "cursor_after", typ: tText, comment: "last cursor the run committed"},
			{name: "error", typ: tText, comment: "why the run failed, if it did"},
		},
		indexes: []index{{name: "ix_sync_runs_connector_stream", columns: []string{"connector", "stream", "started_at"}}},
	},
	{
		name:    "sync_state",
		comment: "The committed cursor of each connector stream: where the next run resumes.",
		columns: []column{
			{name: "connector", typ: tKey, size: 64, comment: "connector name from the config"},
			{name: "stream", typ: tKey, size: 64, comment: "stream of the connector"},
			{name: "cursor", typ: tText, comment: "opaque position after the last committed page"},
			{name: "run_id", typ: tRef, comment: "sync_runs.id of the run that committed it"},
			colUpdatedAt,
		},
		primary: []string{"connector", "stream"},
	},
	{
		name:    "rejected_records",
		comment: "Records a connector could not read, with where they are and why, for a person to fix at the source.",
		columns: []column{
			{name: "id", typ: tID, comment: "rejection id"},
			{name: "run_id", typ: tRef, comment: "sync_runs.id of the run that met it"},
			{name: "connector", typ: tKey, size: 64, comment: "connector name from the config"},
			{name: "stream", typ: tKey, size: 64, comment: "stream of the connector"},
			{name: "external_id", typ: tKey, size: 191, comment: "the source's id of the record, when it could be read"},
			{name: "location", typ: tString, size: 512, comment: "where the record is: file:row, or the vendor's page"},
			{name: "field", typ: tString, size: 191, comment: "the column or field at fault"},
			{name: "reason", typ: tText, comment: "what was wrong"},
			colRaw,
			colCreatedAt,
		},
		indexes: []index{{name: "ix_rejected_connector_stream", columns: []string{"connector", "stream", "created_at"}}},
	},
	{
		name:    "alerts",
		comment: "Alerts sent to staff, each once: the dedup key is unique.",
		columns: []column{
			{name: "id", typ: tID, comment: "alert id"},
			{name: "rule", typ: tKey, size: 64, comment: "alert rule: new_inquiry, dormant, ..."},
			{name: "customer_id", typ: tRef, null: true, comment: "customers.id the alert is about"},
			{name: "dedup_key", typ: tKey, size: 191, comment: "unique key: the same alert is never sent twice"},
			{name: "channel", typ: tString, size: 128, comment: "where it went: slack channel, console"},
			{name: "status", typ: tKey, size: 16, comment: "pending, sent, held or failed"},
			{name: "payload", typ: tJSON, comment: "JSON of what the alert said"},
			{name: "error", typ: tText, comment: "last send error, if any"},
			colCreatedAt,
			{name: "sent_at", typ: tTime, null: true, comment: "when it was delivered (UTC)"},
		},
		indexes: []index{
			{name: "ux_alerts_dedup_key", unique: true, columns: []string{"dedup_key"}},
			{name: "ix_alerts_status", columns: []string{"status", "created_at"}},
		},
	},
	{
		name:    "sync_locks",
		comment: "Leases on scheduled jobs, so several daemons on one database run each job once.",
		columns: []column{
			{name: "name", typ: tKey, size: 128, comment: "job name"},
			{name: "holder", typ: tKey, size: 191, comment: "daemon holding the lease: host, pid and a random part"},
			{name: "acquired_at", typ: tTime, comment: "when the lease was taken (UTC)"},
			{name: "expires_at", typ: tTime, comment: "when the lease lapses unless renewed (UTC)"},
		},
		primary: []string{"name"},
	},
}

// schemaV2 holds what identity resolution keeps between runs, so that each
// page re-resolves only what it touches.
var schemaV2 = []table{
	{
		name:    "match_keys",
		comment: "Blocking keys of each identity: identities that share a key are compared. Internal to identity resolution.",
		columns: []column{
			{name: "key_hash", typ: tBigint, comment: "the key: its kind in the top bits, a hash of its text below"},
			{name: "identity_id", typ: tRef, comment: "customer_identities.id holding the key"},
		},
		primary: []string{"key_hash", "identity_id"},
		indexes: []index{{name: "ix_match_keys_identity_id", columns: []string{"identity_id"}}},
	},
	{
		name:    "match_components",
		comment: "The component of each identity: identities joined by pairs scoring at or above the auto-merge score, guards aside. Customers never cross components.",
		columns: []column{
			{name: "identity_id", typ: tRef, comment: "customer_identities.id"},
			{name: "component_id", typ: tRef, comment: "the smallest identity id of the component"},
		},
		primary: []string{"identity_id"},
		indexes: []index{{name: "ix_match_components_component_id", columns: []string{"component_id"}}},
	},
	{
		name:    "match_overrides",
		comment: "A person's decisions about two identities (nayose merge, split, never-match), respected by every later run.",
		columns: []column{
			{name: "identity_a", typ: tRef, comment: "customer_identities.id, the smaller of the two"},
			{name: "identity_b", typ: tRef, comment: "customer_identities.id, the larger of the two"},
			{name: "decision", typ: tKey, size: 16, comment: "merge (always one person) or never (never one person)"},
			{name: "actor", typ: tString, size: 64, comment: "who decided"},
			{name: "note", typ: tString, size: 255, comment: "why, as the person wrote it"},
			colCreatedAt,
		},
		primary: []string{"identity_a", "identity_b"},
		indexes: []index{{name: "ix_match_overrides_identity_b", columns: []string{"identity_b"}}},
	},
	{
		name:    "match_reviews",
		comment: "Pairs of identities of different customers that may be one person: scored between the review and auto-merge scores, or refused by a guard. Listed by nayose review.",
		columns: []column{
			{name: "identity_a", typ: tRef, comment: "customer_identities.id, the smaller of the two"},
			{name: "identity_b", typ: tRef, comment: "customer_identities.id, the larger of the two"},
			{name: "score", typ: tFloat, comment: "match score in bits"},
			{name: "reason", typ: tString, size: 64, comment: "why the pair was kept apart: below the auto-merge score, or the guard that refused it"},
			{name: "evidence", typ: tJSON, comment: "JSON: for each compared field, its agreement level and weight"},
			colCreatedAt,
		},
		primary: []string{"identity_a", "identity_b"},
		indexes: []index{{name: "ix_match_reviews_identity_b", columns: []string{"identity_b"}}},
	},
}

// schemaV3 keeps the credentials connectors refresh by themselves.
var schemaV3 = []table{
	{
		name:    "oauth_tokens",
		comment: "OAuth tokens of connectors, encrypted (AES-256-GCM with a key from the config); never readable in clear.",
		columns: []column{
			{name: "name", typ: tKey, size: 191, comment: "whose token: the connector name and account"},
			{name: "ciphertext", typ: tText, comment: "base64 of nonce and sealed JSON token; the name is bound in as additional data"},
			{name: "updated_at", typ: tTime, comment: "when the token was last saved (UTC)"},
		},
		primary: []string{"name"},
	},
}

// activitiesByCustomer serves a customer's timeline and, covering kind,
// currency and amount, the totals a customer's row is rebuilt from.
var activitiesByCustomer = index{name: "ix_activities_customer_totals", columns: []string{"customer_id", "occurred_at", "kind", "currency", "amount"}}

// identitiesBySourceID covers looking up an identity and its customer by
// the source's id.
var identitiesBySourceID = index{name: "ix_identities_source_refs", columns: []string{"source", "external_id", "customer_id"}}

// schemaV4 queues customers whose rows must be rebuilt: pages mark them in
// their own transaction, and the engine rebuilds them in batches, so a
// customer touched by many pages of one run is rebuilt once.
var schemaV4 = []table{
	{
		name:    "stale_customers",
		comment: "Customers whose row (fields, totals, stage) awaits a rebuild from their identities and activities. Internal to the sync engine; emptied at the end of every stream run.",
		columns: []column{
			{name: "customer_id", typ: tRef, comment: "customers.id to rebuild (it may since have been merged away)"},
			{name: "marked_at", typ: tTime, comment: "when a page first marked it (UTC)"},
		},
		primary: []string{"customer_id"},
	},
}

// customerMetricColumns are the customer metrics added in version 6.
var customerMetricColumns = []column{
	{name: "first_purchase_at", typ: tTime, null: true, comment: "time of the first purchase (UTC)"},
	{name: "contacts_90d", typ: tInt, comment: "bookings, messages, inquiries and email clicks in the last 90 days"},
	{name: "ltv", typ: tBigint, comment: "lifetime value: net sales to date plus one more year at the customer's own yearly rate (nothing more once dormant), in minor units"},
}

// schemaV6 keeps the RFM quintile cuts the daily metrics pass computes, by
// which customers touched by a sync are scored between passes.
var schemaV6 = []table{
	{
		name:    "metric_cuts",
		comment: "RFM quintile boundaries over the customers who bought, from the last daily metrics pass.",
		columns: []column{
			{name: "name", typ: tKey, size: 32, comment: "which cuts: rfm"},
			{name: "cuts", typ: tJSON, comment: "JSON: recency (last purchase times), frequency (purchases), monetary (net sales): the top of each of the lower four fifths"},
			{name: "customers", typ: tBigint, comment: "how many customers the cuts were computed over"},
			{name: "computed_at", typ: tTime, comment: "when (UTC)"},
		},
		primary: []string{"name"},
	},
}

// schemaV7 keeps every webhook event as it arrived, stored before the
// vendor is answered 200 so that a crash right after loses nothing.
var schemaV7 = []table{
	{
		name:    "webhook_events",
		comment: "Webhook events as received at /webhooks/<connector>, each once (redeliveries are dropped by the unique key), read by their connector in id order (its cursor is the last id it read).",
		columns: []column{
			{name: "id", typ: tID, comment: "order of arrival; a connector's cursor"},
			{name: "connector", typ: tKey, size: 64, comment: "the configured connector name it arrived for"},
			{name: "event_id", typ: tKey, size: 191, comment: "the vendor's event id (Square event_id, LINE webhookEventId, ...), or a hash of the body when the vendor gives none"},
			{name: "event_type", typ: tString, size: 128, comment: "the vendor's event type, e.g. order.updated, follow"},
			{name: "subject", typ: tKey, size: 191, comment: "who the event is about in the vendor (a LINE userId, a Messenger sender id), or empty"},
			{name: "body", typ: tJSON, comment: "the event as the vendor sent it"},
			{name: "received_at", typ: tTime, comment: "when it arrived (UTC)"},
		},
		indexes: []index{
			{name: "ux_webhook_events_event", unique: true, columns: []string{"connector", "event_id"}},
			{name: "ix_webhook_events_subject", columns: []string{"connector", "subject", "event_type", "id"}},
		},
	},
}

// alertDelivery are the columns the notify outbox adds to alerts
// (migration 5): an alert that failed to send is retried, after a backoff,
// until it goes out.
var alertDelivery = []column{
	{name: "attempts", typ: tInt, comment: "failed delivery attempts so far"},
	{name: "not_before", typ: tTime, null: true, comment: "no delivery before this time: a backoff after a failure or a rate limit; NULL to send at once (UTC)"},
}

// Tables lists every table the migrations create, in creation order.
func Tables() []string {
	var out []string
	for _, schema := range [][]table{schemaV1, schemaV2, schemaV3, schemaV4, schemaV6, schemaV7} {
		for _, t := range schema {
			out = append(out, t.name)
		}
	}
	return out
}
