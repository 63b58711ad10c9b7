package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nayose/nayose/store"
	"gorm.io/gorm/clause"
)

// Pending is an alert to queue.
type Pending struct {
	// DedupKey names the alert for ever, like "new_inquiry:activity:8812":
	// an alert whose key was queued before, sent or not, is not queued
	// again. At most 191 bytes.
	DedupKey string
	// CustomerID is the customer the alert is about, if any.
	CustomerID *int64
	// Alert is what to say; its Rule is recorded as the row's rule, and a
	// zero At becomes the time it was queued.
	Alert Alert
}

// OutboxOptions configures an Outbox.
type OutboxOptions struct {
	DB       *store.DB
	Notifier Notifier
	// Channel names where Notifier delivers, recorded on each alert;
	// default ChannelOf(Notifier): "slack:#shop-alerts", "console".
	Channel string
	// Location is the zone quiet hours are read in; default Asia/Tokyo.
	Location *time.Location
	// QuietHours hold alerts back; the zero value has none.
	QuietHours QuietHours
	// BatchOver: when more alerts of one rule than this are due together,
	// they go out as one digest. Default 3.
	BatchOver int
	// DigestTitle heads a digest of n alerts of rule; default
	// "12 new inquiry alerts" from rule new_inquiry.
	DigestTitle func(rule string, n int) string
	// Every is how often Run delivers. Default 1m.
	Every time.Duration
	// Now is the clock Enqueue stamps alerts with; default time.Now.
	Now     func() time.Time
	Logger  *slog.Logger
	Metrics *Metrics
}

// Outbox is the durable queue of alerts in the alerts table. Rules
// Enqueue; Deliver (on every tick of Run) sends what is due.
//
// Delivery is at least once: an alert is marked sent only after its
// notifier returned nil, so one is never lost nor marked sent unsent; a
// process killed in the instant between Slack accepting a message and
// the row being marked may send that message again. Several processes on
// one database deliver one at a time, under a lease in sync_locks.
type Outbox struct {
	o      OutboxOptions
	holder string
	log    *slog.Logger
}

// Delivery is what one Deliver did.
type Delivery struct {
	// Sent is how many alerts were delivered, in Messages messages.
	Sent, Messages int
	// Failed is how many alerts could not be sent; they stay pending for
	// a later tick.
	Failed int
	// Held is how many alerts wait for quiet hours to end.
	Held int
	// Busy is set when another process was delivering: nothing was done.
	Busy bool
}

const (
	// maxPerTick bounds the alerts one Deliver reads; the rest wait for
	// the next tick.
	maxPerTick = 1000
	// maxDedupKey and maxRule are the sizes of their columns.
	maxDedupKey = 191
	maxRule     = 64
	// keysPerQuery bounds an IN list.
	keysPerQuery = 500
	// leaseName is the Outbox's lease in sync_locks; leaseTTL is how long
	// it holds without renewal, which happens before every message.
	leaseName = "notify:outbox"
	leaseTTL  = 5 * time.Minute
	// maxBackoff caps the wait after repeated failures.
	maxBackoff = time.Hour
)

// NewOutbox returns an Outbox; nothing is read or sent until Enqueue,
// Deliver or Run.
func NewOutbox(o OutboxOptions) (*Outbox, error) {
	if o.DB == nil || o.Notifier == nil {
		return nil, errors.New("notify: an outbox needs a database and a notifier")
	}
	if o.Channel == "" {
		o.Channel = ChannelOf(o.Notifier)
	}
	if len(o.Channel) > 128 {
		o.Channel = o.Channel[:128]
	}
	if o.Location == nil {
		tokyo, err := time.LoadLocation("Asia/Tokyo")
		if err != nil {
			return nil, fmt.Errorf("notify: loading the default time zone: %w", err)
		}
		o.Location = tokyo
	}
	if o.BatchOver <= 0 {
		o.BatchOver = 3
	}
	if o.DigestTitle == nil {
		o.DigestTitle = defaultDigestTitle
	}
	if o.Every <= 0 {
		o.Every = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	return &Outbox{o: o, holder: "outbox-" + hex.EncodeToString(b[:]), log: o.Logger.With("outbox", o.Channel)}, nil
}

func defaultDigestTitle(rule string, n int) string {
	switch rule {
	case RuleNewInquiry:
		return fmt.Sprintf("%d new inquiries", n)
	case RuleDormant:
		return fmt.Sprintf("%d good customers have gone quiet", n)
	}
	return fmt.Sprintf("%d %s alerts", n, strings.ReplaceAll(rule, "_", " "))
}

// Notifier returns the notifier the Outbox delivers through.
func (o *Outbox) Notifier() Notifier { return o.o.Notifier }

// Channel returns what the Outbox records as the alerts' channel.
func (o *Outbox) Channel() string { return o.o.Channel }

// payload is an alert as kept in alerts.payload: JSON a BI tool can read.
type payload struct {
	Title  string         `json:"title"`
	Fields []payloadField `json:"fields"`
	At     time.Time      `json:"at"`
}

type payloadField struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Enqueue queues alerts for delivery and returns how many were new. An
// alert whose dedup key is already in the table, or earlier in alerts,
// is skipped, so a re-sync or a restart never alerts twice. (Two
// processes queueing one key at the same instant store it once but may
// both count it as new.) Nothing is sent until Deliver.
func (o *Outbox) Enqueue(ctx context.Context, alerts []Pending) (int, error) {
	now := o.o.Now().UTC()
	seen := map[string]bool{}
	var rows []store.Alert
	for i, p := range alerts {
		switch {
		case p.DedupKey == "":
			return 0, fmt.Errorf("queueing alert %d (%s): it has no dedup key", i, p.Alert.Rule)
		case len(p.DedupKey) > maxDedupKey:
			return 0, fmt.Errorf("queueing alert %d (%s): dedup key %.40q... is longer than %d bytes", i, p.Alert.Rule, p.DedupKey, maxDedupKey)
		case p.Alert.Rule == "" || len(p.Alert.Rule) > maxRule:
			return 0, fmt.Errorf("queueing alert %d (key %q): the rule must be 1 to %d bytes, not %q", i, p.DedupKey, maxRule, p.Alert.Rule)
		}
		if seen[p.DedupKey] {
			continue
		}
		seen[p.DedupKey] = true
		at := p.Alert.At
		if at.IsZero() {
			at = now
		}
		pl := payload{Title: p.Alert.Title, Fields: []payloadField{}, At: at.UTC()}
		for _, f := range p.Alert.Fields {
			pl.Fields = append(pl.Fields, payloadField(f))
		}
		data, err := json.Marshal(pl)
		if err != nil {
			return 0, fmt.Errorf("queueing alert %q: %w", p.DedupKey, err)
		}
		rows = append(rows, store.Alert{
			Rule: p.Alert.Rule, CustomerID: p.CustomerID, DedupKey: p.DedupKey,
			Channel: o.o.Channel, Status: store.AlertPending, Payload: string(data), CreatedAt: now,
		})
	}
	db := o.o.DB.Gorm.WithContext(ctx)
	added := 0
	for start := 0; start < len(rows); start += keysPerQuery {
		part := rows[start:min(start+keysPerQuery, len(rows))]
		keys := make([]string, len(part))
		for i, r := range part {
			keys[i] = r.DedupKey
		}
		var existing []string
		if err := db.Model(&store.Alert{}).Where("dedup_key IN ?", keys).Pluck("dedup_key", &existing).Error; err != nil {
			return added, fmt.Errorf("looking up queued alerts: %w", err)
		}
		have := make(map[string]bool, len(existing))
		for _, k := range existing {
			have[k] = true
		}
		var fresh []store.Alert
		for _, r := range part {
			if !have[r.DedupKey] {
				fresh = append(fresh, r)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		// Another process may queue the same key between the look-up and
		// here: the unique key keeps one row, and this insert skips it.
		if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil {
			return added, fmt.Errorf("queueing %d alerts: %w", len(fresh), err)
		}
		added += len(fresh)
	}
	return added, nil
}

// Deliver sends every alert due at now, oldest first: pending ones, held
// ones once quiet hours are over, failed ones whose backoff has passed.
// Alerts of one rule due together go as one digest when there are more
// than BatchOver of them. A sent alert is marked sent with sent_at; one
// that failed stays pending with its error, its attempt count and the
// time before which it is not tried again. During quiet hours nothing is
// sent and pending alerts are marked held.
//
// The error is about the database, or ctx ending; failures to send are
// counted in Delivery, logged, and kept for a later tick.
func (o *Outbox) Deliver(ctx context.Context, now time.Time) (Delivery, error) {
	now = now.UTC()
	var d Delivery
	ok, err := o.lease(ctx, now)
	if err != nil {
		return d, err
	}
	if !ok {
		d.Busy = true
		return d, nil
	}
	defer o.release(ctx)
	db := o.o.DB.Gorm.WithContext(ctx)

	if o.o.QuietHours.Contains(now.In(o.o.Location)) {
		if err := db.Model(&store.Alert{}).Where("status = ?", store.AlertPending).Update("status", store.AlertHeld).Error; err != nil {
			return d, fmt.Errorf("holding alerts for quiet hours: %w", err)
		}
		var held int64
		if err := db.Model(&store.Alert{}).Where("status = ?", store.AlertHeld).Count(&held).Error; err != nil {
			return d, fmt.Errorf("counting held alerts: %w", err)
		}
		d.Held = int(held)
		o.o.Metrics.setHeld(d.Held)
		return d, nil
	}
	o.o.Metrics.setHeld(0)

	var rows []store.Alert
	err = db.Where("status IN ? AND (not_before IS NULL OR not_before <= ?)", []string{store.AlertPending, store.AlertHeld}, now).
		Order("created_at, id").Limit(maxPerTick).Find(&rows).Error
	if err != nil {
		return d, fmt.Errorf("reading alerts to deliver: %w", err)
	}
	for _, u := range plan(rows, o.o.BatchOver) {
		if err := ctx.Err(); err != nil {
			return d, fmt.Errorf("delivering alerts: %w", err)
		}
		// Renewing the lease before each message keeps a long delivery
		// (rate limits, many digests) from being joined by another process.
		if ok, err := o.lease(ctx, now); err != nil || !ok {
			if err == nil {
				err = errors.New("another process took the delivery lease")
			}
			return d, err
		}
		stop, err := o.deliverUnit(ctx, now, u, &d)
		if err != nil || stop {
			return d, err
		}
	}
	if d.Sent > 0 || d.Failed > 0 {
		o.log.InfoContext(ctx, "alerts delivered", "sent", d.Sent, "messages", d.Messages, "failed", d.Failed)
	}
	return d, nil
}

// unit is what one message carries: one alert, or a digest of one rule.
type unit struct {
	rule   string
	rows   []store.Alert
	digest bool
}

// plan turns due rows (oldest first) into messages: the rows of a rule
// with more than batchOver due become one digest, placed where its oldest
// alert was; the others go one by one.
func plan(rows []store.Alert, batchOver int) []unit {
	byRule := map[string][]store.Alert{}
	for _, r := range rows {
		byRule[r.Rule] = append(byRule[r.Rule], r)
	}
	var out []unit
	done := map[string]bool{}
	for _, r := range rows {
		group := byRule[r.Rule]
		switch {
		case len(group) <= batchOver:
			out = append(out, unit{rule: r.Rule, rows: []store.Alert{r}})
		case !done[r.Rule]:
			done[r.Rule] = true
			out = append(out, unit{rule: r.Rule, rows: group, digest: true})
		}
	}
	return out
}

// deliverUnit sends one message and records the outcome. stop is set
// when the rest should wait for the next tick (Slack is rate limiting).
func (o *Outbox) deliverUnit(ctx context.Context, now time.Time, u unit, d *Delivery) (stop bool, err error) {
	var alerts []Alert
	var ids []int64
	attempts := 0
	for _, r := range u.rows {
		a, err := decode(r)
		if err != nil {
			// Unreadable: it can never be sent. Say so on the row rather
			// than fail every tick.
			if err := o.mark(ctx, []int64{r.ID}, map[string]any{"status": store.AlertFailed, "error": err.Error()}); err != nil {
				return true, err
			}
			o.log.WarnContext(ctx, "alert payload unreadable; marked failed", "alert", r.ID, "err", err)
			continue
		}
		alerts = append(alerts, a)
		ids = append(ids, r.ID)
		attempts = max(attempts, r.Attempts)
	}
	if len(alerts) == 0 {
		return false, nil
	}
	var sendErr error
	if u.digest {
		sendErr = NotifyDigest(ctx, o.o.Notifier, Digest{Rule: u.rule, Title: o.o.DigestTitle(u.rule, len(alerts)), Alerts: alerts})
	} else {
		sendErr = o.o.Notifier.Notify(ctx, alerts[0])
	}
	if sendErr == nil {
		if err := o.mark(ctx, ids, map[string]any{"status": store.AlertSent, "sent_at": now, "channel": o.o.Channel, "error": ""}); err != nil {
			return true, err
		}
		d.Sent += len(ids)
		d.Messages++
		o.o.Metrics.delivered("sent", len(ids))
		return false, nil
	}
	if ctx.Err() != nil {
		// Whether Slack got it is unknown: leave the rows as they were.
		return true, fmt.Errorf("delivering alerts: %w", ctx.Err())
	}
	wait := backoff(attempts + 1)
	retryAfter, limited := RetryAfter(sendErr)
	if limited {
		wait = max(retryAfter, time.Second)
	}
	next := now.Add(wait)
	err = o.mark(ctx, ids, map[string]any{
		"status":     store.AlertPending,
		"attempts":   attempts + 1,
		"error":      truncate(sendErr.Error(), 2000),
		"not_before": next,
	})
	if err != nil {
		return true, err
	}
	d.Failed += len(ids)
	o.o.Metrics.delivered("failed", len(ids))
	o.log.WarnContext(ctx, "sending alerts failed; they stay pending", "rule", u.rule, "alerts", len(ids),
		"attempt", attempts+1, "retry_at", next.In(o.o.Location).Format(time.DateTime), "err", sendErr)
	// A rate limit holds for the whole channel: the rest wait too.
	return limited, nil
}

// mark updates the rows ids. It runs even when ctx has just ended: an
// alert Slack accepted must be recorded as sent, or it would go again.
func (o *Outbox) mark(ctx context.Context, ids []int64, set map[string]any) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := o.o.DB.Gorm.WithContext(ctx).Model(&store.Alert{}).Where("id IN ?", ids).Updates(set).Error; err != nil {
		return fmt.Errorf("recording alerts %v as %s: %w", ids, set["status"], err)
	}
	return nil
}

// decode reads an alert back from its row.
func decode(r store.Alert) (Alert, error) {
	var p payload
	if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
		return Alert{}, fmt.Errorf("reading alert %d: payload is not an alert: %w", r.ID, err)
	}
	a := Alert{Rule: r.Rule, Title: p.Title, At: p.At}
	for _, f := range p.Fields {
		a.Fields = append(a.Fields, Field(f))
	}
	return a, nil
}

// backoff is how long an alert waits after its nth failed attempt: 30s,
// 1m, 2m, ... up to an hour. It never gives up: a channel the app was
// not invited to, or a revoked token, delivers once someone fixes it.
func backoff(n int) time.Duration {
	return min(maxBackoff, 30*time.Second<<min(max(n-1, 0), 10))
}

// lease takes or renews the delivery lease until now+leaseTTL, reporting
// whether this Outbox holds it.
func (o *Outbox) lease(ctx context.Context, now time.Time) (bool, error) {
	db := o.o.DB.Gorm.WithContext(ctx)
	epoch := time.Unix(0, 0).UTC()
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&store.Lock{Name: leaseName, AcquiredAt: epoch, ExpiresAt: epoch}).Error; err != nil {
		return false, fmt.Errorf("preparing the alert delivery lease: %w", err)
	}
	res := db.Model(&store.Lock{}).
		Where("name = ? AND (expires_at < ? OR holder = ?)", leaseName, now, o.holder).
		Updates(map[string]any{"holder": o.holder, "acquired_at": now, "expires_at": now.Add(leaseTTL)})
	if res.Error != nil {
		return false, fmt.Errorf("taking the alert delivery lease: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// release gives the lease back; if that fails it lapses by itself.
func (o *Outbox) release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := o.o.DB.Gorm.WithContext(ctx).Model(&store.Lock{}).
		Where("name = ? AND holder = ?", leaseName, o.holder).
		Updates(map[string]any{"holder": "", "expires_at": time.Unix(0, 0).UTC()}).Error
	if err != nil {
		o.log.WarnContext(ctx, "releasing the alert delivery lease; it lapses by itself", "err", err)
	}
}

// Run delivers due alerts at once and then every Every, until ctx ends.
// Errors are logged; ctx ending is not an error.
func (o *Outbox) Run(ctx context.Context) {
	t := time.NewTicker(o.o.Every)
	defer t.Stop()
	for {
		if _, err := o.Deliver(ctx, o.o.Now()); err != nil && ctx.Err() == nil {
			o.log.ErrorContext(ctx, "delivering alerts", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
