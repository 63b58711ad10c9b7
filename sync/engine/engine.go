// Package engine runs connectors: it reads each stream's pages from the last
// committed cursor, writes every page and its cursor in one transaction
// (idempotent upserts, identity linking, customer recompute), and records
// each run in sync_runs.
package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/mapping/resolve"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/sync/metrics"
)

// Options configures an Engine.
type Options struct {
	DB *store.DB
	// Resolve tunes identity resolution; its Region is the country assumed
	// for phone numbers without a country code (default JP).
	Resolve resolve.Options
	// SourcePriority lists connector names, most trusted first: each
	// customer field is taken from the most trusted source that has it,
	// then the most recently updated. Sources not listed come after.
	SourcePriority []string
	Logger         *slog.Logger
	// Metrics, if set, receives run and record counts.
	Metrics *Metrics
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Figures sets the thresholds of customer metrics (dormancy, stages)
	// and the timezone their days are counted in.
	Figures metrics.Options
}

// Engine runs connectors against one database. It is safe for concurrent
// use: different connectors may run at once, and page writes are
// serialized so that linking sees every committed identity.
type Engine struct {
	db          *store.DB
	resolveOpts resolve.Options
	priority    map[string]int
	region      string
	log         *slog.Logger
	metrics     *Metrics
	now         func() time.Time
	holder      string
	figures     metrics.Options
	// writeMu serializes page writes within this process; the
	// identity-resolution lock row does it across processes.
	writeMu sync.Mutex
	// memo carries facts between page transactions; writeMu guards it.
	memo memo
}

// New returns an Engine.
func New(o Options) *Engine {
	if o.Resolve.Region == "" {
		o.Resolve.Region = "JP"
	}
	priority := make(map[string]int, len(o.SourcePriority))
	for i, s := range o.SourcePriority {
		if _, dup := priority[s]; !dup {
			priority[s] = i
		}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	host, _ := os.Hostname()
	return &Engine{
		db:          o.DB,
		resolveOpts: o.Resolve,
		priority:    priority,
		region:      o.Resolve.Region,
		log:         o.Logger,
		metrics:     o.Metrics,
		figures:     o.Figures.WithDefaults(),
		now:         func() time.Time { return o.Now().UTC().Truncate(time.Millisecond) },
		holder:      fmt.Sprintf("%s:%d:%s", host, os.Getpid(), randomID()),
	}
}

// StreamResult is the outcome of one stream's run.
type StreamResult struct {
	RunID    int64
	Stream   string
	Status   string
	Pages    int
	Read     int
	Written  int
	Rejected int
	Err      error
	Duration time.Duration
}

// Result is the outcome of one connector's run.
type Result struct {
	Connector string
	Streams   []StreamResult
	// Busy is set when another process holds the connector's lease; then
	// nothing ran.
	Busy bool
}

// Err returns the streams' errors, or nil when every stream succeeded or
// stopped early as partial (it resumes next run).
func (r Result) Err() error {
	var errs []error
	for _, s := range r.Streams {
		if s.Err != nil && s.Status != store.RunPartial {
			errs = append(errs, fmt.Errorf("stream %s: %w", s.Stream, s.Err))
		}
	}
	return errors.Join(errs...)
}

// ErrBusy is returned when the connector is already running (in this or
// another process on the same database).
var ErrBusy = errors.New("already running")

// Run runs every stream of c in order, each from its committed cursor, and
// returns when all are done, ctx is cancelled or the connector's timeout
// passes. A failing stream does not stop the streams after it. The error
// is non-nil when any stream did not succeed.
func (e *Engine) Run(ctx context.Context, c connectors.Connector) (Result, error) {
	name := c.Config.Name
	res := Result{Connector: name}
	timeout := c.Config.Timeout.Std()
	if timeout <= 0 {
		timeout = 30 * time.Minute
	}
	release, err := e.acquire(ctx, "connector:"+name, timeout+time.Minute)
	if err != nil {
		if errors.Is(err, ErrBusy) {
			res.Busy = true
		}
		return res, err
	}
	defer release()

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Customers the streams touch are rebuilt once, after the last stream
	// (and every staleFlushInterval during a long run).
	flushed := time.Now()
	streams := c.Source.Streams()
	for i, s := range streams {
		sr := e.runStream(ctx, c, s, &flushed, i == len(streams)-1)
		res.Streams = append(res.Streams, sr)
		if ctx.Err() != nil {
			break
		}
	}
	return res, res.Err()
}

func (e *Engine) runStream(ctx context.Context, c connectors.Connector, s connectors.Stream, flushed *time.Time, last bool) (sr StreamResult) {
	name, stream := c.Config.Name, s.Name()
	log := e.log.With("connector", name, "stream", stream)
	start := time.Now()
	sr.Stream = stream

	cursor, err := e.loadCursor(ctx, name, stream)
	if err != nil {
		sr.Status, sr.Err = store.RunFailed, err
		log.Error("sync failed to start", "err", err)
		e.metrics.observe(name, sr)
		return sr
	}
	run := store.SyncRun{Connector: name, Stream: stream, StartedAt: e.now(), Status: store.RunRunning, CursorBefore: cursor, CursorAfter: cursor}
	if err := e.db.Gorm.WithContext(ctx).Create(&run).Error; err != nil {
		sr.Status, sr.Err = store.RunFailed, fmt.Errorf("recording the run: %w", err)
		log.Error("sync failed to start", "err", sr.Err)
		e.metrics.observe(name, sr)
		return sr
	}
	sr.RunID = run.ID
	log = log.With("run", run.ID)

	sr.Err = e.readPages(ctx, c, s, &run, &sr, cursor, flushed)
	if last && ctx.Err() == nil {
		// Whatever the pages' outcome, the customers the connector's
		// streams touched are rebuilt now; a stopping daemon leaves the
		// marks for the next run.
		if err := e.flushStale(ctx); err != nil {
			if sr.Err == nil {
				sr.Err = err
			} else {
				log.Error("rebuilding customers after the run", "err", err)
			}
		}
	}
	sr.Duration = time.Since(start)
	switch {
	case sr.Err == nil:
		sr.Status = store.RunSucceeded
	case errors.Is(sr.Err, connectors.ErrPartial):
		sr.Status = store.RunPartial
	case ctx.Err() != nil && errors.Is(sr.Err, ctx.Err()):
		sr.Status = store.RunCanceled
		if errors.Is(sr.Err, context.DeadlineExceeded) {
			sr.Status = store.RunFailed
			sr.Err = fmt.Errorf("timed out after %s: %w", c.Config.Timeout.Std(), sr.Err)
		}
	default:
		sr.Status = store.RunFailed
	}
	e.finishRun(&run, sr)
	e.metrics.observe(name, sr)

	attrs := []any{"status", sr.Status, "pages", sr.Pages, "read", sr.Read, "written", sr.Written, "rejected", sr.Rejected, "duration", sr.Duration.Round(time.Millisecond)}
	switch sr.Status {
	case store.RunSucceeded:
		log.Info("sync finished", attrs...)
	case store.RunCanceled:
		log.Info("sync stopped", attrs...)
	case store.RunPartial:
		log.Warn("sync stopped early; the next run resumes where it stopped", append(attrs, "reason", sr.Err)...)
	default:
		log.Error("sync failed", append(attrs, "err", sr.Err)...)
	}
	return sr
}

// readPages commits the stream's pages in order while the next pages are
// already being fetched: a vendor's latency and the database's work
// overlap instead of adding up. Small pages that are already fetched are
// written together in one transaction, with the last one's cursor. A panic
// in the connector fails the run instead of the daemon.
func (e *Engine) readPages(ctx context.Context, c connectors.Connector, s connectors.Stream, run *store.SyncRun, sr *StreamResult, cursor string, flushed *time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic while writing: %v", p)
			e.log.Error("sync panicked", "connector", c.Config.Name, "stream", s.Name(), "panic", p, "stack", string(debug.Stack()))
		}
	}()
	src := sourceInfo{name: c.Config.Name, typ: c.Config.Type, stream: s.Name()}
	pages, stop := e.prefetch(ctx, src, s, cursor)
	defer stop()
	for b, err := range gather(pages) {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err // the pages arrived after cancellation: leave them for next time
		}
		n, err := e.commitPage(ctx, src, run, b)
		if err != nil {
			if ctx.Err() != nil {
				// Stopped mid-transaction: the driver's error only says the
				// transaction is gone; the pages rolled back whole.
				err = ctx.Err()
			}
			return fmt.Errorf("writing page %d: %w", sr.Pages+1, err)
		}
		sr.Pages += b.pages
		sr.Read += b.page.Len()
		sr.Written += n.written
		sr.Rejected += n.rejected
		e.metrics.page(src.name, src.stream, b, n)
		if time.Since(*flushed) >= staleFlushInterval {
			// A long run keeps customer rows at most this far behind.
			if err := e.flushStale(ctx); err != nil {
				return err
			}
			*flushed = time.Now()
		}
	}
	return ctx.Err()
}

// batchRecords is how many records a transaction gathers from pages that
// are already fetched: vendors with small pages (Square's customers come
// 100 at a time) pay a transaction's fixed costs once per batch.
const batchRecords = 1000

// prefetchPages is how many fetched pages may wait for the database.
const prefetchPages = 4

// batch is consecutive pages of a stream, written in one transaction.
type batch struct {
	page  connectors.Page  // their records, and the cursor after the last
	rows  []store.Identity // the page's identities as prepareIdentities made them
	pages int
}

// gather yields the fetched pages in batches: each page with the pages
// after it that are already fetched, up to batchRecords records. An error
// ends the sequence after the pages before it.
func gather(pages <-chan fetched) iter.Seq2[batch, error] {
	return func(yield func(batch, error) bool) {
		for f := range pages {
			if f.err != nil {
				yield(batch{}, f.err)
				return
			}
			b := batch{page: f.page, rows: f.rows, pages: 1}
			var failed error
		more:
			for failed == nil && b.page.Len() < batchRecords {
				select {
				case g, ok := <-pages:
					switch {
					case !ok:
						break more
					case g.err != nil:
						failed = g.err
					default:
						b.page, b.pages = appendPage(b.page, g.page), b.pages+1
						b.rows = slices.Concat(b.rows, g.rows)
					}
				default:
					break more
				}
			}
			if !yield(b, nil) {
				return
			}
			if failed != nil {
				yield(batch{}, failed)
				return
			}
		}
	}
}

// appendPage adds b's records to a's; the cursor after both is b's, or
// a's when b keeps it.
func appendPage(a, b connectors.Page) connectors.Page {
	out := connectors.Page{
		Identities: slices.Concat(a.Identities, b.Identities),
		Activities: slices.Concat(a.Activities, b.Activities),
		Rejects:    slices.Concat(a.Rejects, b.Rejects),
		Cursor:     a.Cursor,
	}
	if b.Cursor != "" {
		out.Cursor = b.Cursor
	}
	return out
}

// fetched is a page read from a stream, or the error that ended it.
type fetched struct {
	page connectors.Page
	rows []store.Identity // page.Identities prepared, one row each
	err  error
}

// prefetch reads the stream's pages in a goroutine, at most prefetchPages
// ahead of the caller. stop cancels the reading and waits for the goroutine, so no
// connector code outlives the run.
func (e *Engine) prefetch(ctx context.Context, src sourceInfo, s connectors.Stream, cursor string) (pages <-chan fetched, stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	ch := make(chan fetched, prefetchPages)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		defer func() {
			if p := recover(); p != nil {
				e.log.Error("connector panicked", "connector", src.name, "stream", src.stream, "panic", p, "stack", string(debug.Stack()))
				select {
				case ch <- fetched{err: fmt.Errorf("panic in connector: %v", p)}:
				case <-ctx.Done():
				}
			}
		}()
		for page, err := range s.Pages(ctx, cursor) {
			dropInvalidRaw(&page)
			rows := prepareIdentities(src, e.region, page.Identities)
			select {
			case ch <- fetched{page: page, rows: rows, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ch, func() {
		cancel()
		for range ch {
		}
		<-done
	}
}

// dropInvalidRaw drops raw records that are not JSON, which the raw
// columns could not store. It runs while pages are fetched, off the
// committing goroutine: checking every record is a real share of the
// work.
func dropInvalidRaw(p *connectors.Page) {
	for i := range p.Identities {
		if !json.Valid(p.Identities[i].Raw) {
			p.Identities[i].Raw = nil
		}
	}
	for i := range p.Activities {
		if !json.Valid(p.Activities[i].Raw) {
			p.Activities[i].Raw = nil
		}
	}
	for i := range p.Rejects {
		if !json.Valid(p.Rejects[i].Raw) {
			p.Rejects[i].Raw = nil
		}
	}
}

func (e *Engine) loadCursor(ctx context.Context, connector, stream string) (string, error) {
	var st store.SyncState
	err := e.db.Gorm.WithContext(ctx).Where("connector = ? AND stream = ?", connector, stream).Limit(1).Find(&st).Error
	if err != nil {
		return "", fmt.Errorf("reading the cursor: %w", err)
	}
	return st.Cursor, nil
}

// finishRun records the outcome even when ctx is already cancelled: a
// stopping daemon still says how its runs ended.
func (e *Engine) finishRun(run *store.SyncRun, sr StreamResult) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	finished := e.now()
	msg := ""
	if sr.Err != nil {
		msg = clip(sr.Err.Error(), 4000)
	}
	err := e.db.Gorm.WithContext(ctx).Model(&store.SyncRun{}).Where("id = ?", run.ID).Updates(map[string]any{
		"status":      sr.Status,
		"finished_at": finished,
		"error":       msg,
	}).Error
	if err != nil {
		e.log.Error("recording the end of a run", "run", run.ID, "err", err)
	}
}
