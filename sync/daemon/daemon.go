// Package daemon runs connectors on their schedules (robfig/cron, in the
// configured time zone) and serves /healthz, /readyz and /metrics. A job
// never overlaps itself, a panic in a job is logged and the daemon lives
// on, and stopping waits for running pages to commit or roll back.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/notify"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/sync/engine"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/robfig/cron/v3"
)

// Runner runs one connector; *engine.Engine is one.
type Runner interface {
	Run(ctx context.Context, c connectors.Connector) (engine.Result, error)
}

// Options configures a Daemon.
type Options struct {
	Runner     Runner
	DB         *store.DB
	Connectors []connectors.Connector
	// Location is the time zone schedules are read in.
	Location *time.Location
	// Listen is the HTTP address; empty serves nothing.
	Listen string
	// Gatherer serves /metrics; nil serves an empty registry.
	Gatherer prometheus.Gatherer
	Logger   *slog.Logger
	// Notifier, if set, is told when a connector run fails.
	Notifier notify.Notifier
	// StopTimeout bounds how long Run waits for running jobs after ctx
	// ends. Default 30s.
	StopTimeout time.Duration
	// Tasks are scheduled jobs other than connectors: the daily metrics
	// pass, the dormant digest.
	Tasks []Task
	// AfterSync, if set, runs after every connector run (the new-inquiry
	// rule: alerts within one sync of an inquiry's arrival).
	AfterSync func(ctx context.Context)
	// Services run alongside the schedule until the daemon stops (alert
	// delivery); Run waits for them.
	Services []func(ctx context.Context)
}

// Task is a scheduled job that is not a connector.
type Task struct {
	Name     string
	Schedule config.Schedule
	// Run does the job. An error wrapping engine.ErrBusy means another
	// daemon is doing it, and is only noted.
	Run func(ctx context.Context) error
}

// Daemon schedules connectors.
type Daemon struct {
	o       Options
	log     *slog.Logger
	jobs    sync.WaitGroup
	running map[string]*atomic.Bool
	// kicks asks for a run of a connector that takes webhooks.
	kicks map[string]chan struct{}
	// addr is the listener's address once it is up.
	addr atomic.Pointer[string]
}

// New returns a Daemon; nothing runs until Run.
func New(o Options) *Daemon {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.StopTimeout <= 0 {
		o.StopTimeout = 30 * time.Second
	}
	if o.Gatherer == nil {
		o.Gatherer = prometheus.NewRegistry()
	}
	d := &Daemon{o: o, log: o.Logger, running: map[string]*atomic.Bool{}, kicks: map[string]chan struct{}{}}
	for _, c := range o.Connectors {
		d.running[c.Config.Name] = new(atomic.Bool)
		if _, ok := c.Source.(connectors.WebhookReceiver); ok {
			d.kicks[c.Config.Name] = make(chan struct{}, 1)
		}
	}
	for _, t := range o.Tasks {
		d.running["task:"+t.Name] = new(atomic.Bool)
	}
	return d
}

// Run schedules every connector and serves HTTP until ctx is done, then
// stops taking new jobs, cancels running ones (their current page commits
// or rolls back whole) and waits for them. It returns an error only when
// the daemon could not start.
func (d *Daemon) Run(ctx context.Context) error {
	var srv *http.Server
	if d.o.Listen != "" {
		ln, err := net.Listen("tcp", d.o.Listen)
		if err != nil {
			return fmt.Errorf("listening on %s (set http.listen to another address, or \"\" to turn it off): %w", d.o.Listen, err)
		}
		addr := ln.Addr().String()
		d.addr.Store(&addr)
		srv = &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				d.log.Error("http listener stopped", "err", err)
			}
		}()
		d.log.Info("http listening", "addr", addr, "paths", "/healthz /readyz /metrics /webhooks/<connector>")
	}

	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	for _, conn := range d.o.Connectors {
		if kicks := d.kicks[conn.Config.Name]; kicks != nil {
			d.jobs.Add(1)
			go func() {
				defer d.jobs.Done()
				d.runOnKicks(jobCtx, conn, kicks)
			}()
		}
	}
	c := cron.New(cron.WithLocation(d.o.Location))
	for _, conn := range d.o.Connectors {
		c.Schedule(conn.Config.Schedule.Schedule, cron.FuncJob(func() { d.runJob(jobCtx, conn) }))
		next := conn.Config.Schedule.Next(time.Now().In(d.o.Location))
		d.log.Info("scheduled", "connector", conn.Config.Name, "schedule", conn.Config.Schedule.Spec, "next", next.Format(time.DateTime+" MST"))
		if conn.Config.RunOnStart {
			d.jobs.Add(1)
			go func() {
				defer d.jobs.Done()
				d.runJob(jobCtx, conn)
			}()
		}
	}
	for _, t := range d.o.Tasks {
		c.Schedule(t.Schedule.Schedule, cron.FuncJob(func() { d.runTask(jobCtx, t) }))
		next := t.Schedule.Next(time.Now().In(d.o.Location))
		d.log.Info("scheduled", "task", t.Name, "schedule", t.Schedule.Spec, "next", next.Format(time.DateTime+" MST"))
	}
	for _, svc := range d.o.Services {
		d.jobs.Add(1)
		go func() {
			defer d.jobs.Done()
			svc(jobCtx)
		}()
	}
	c.Start()
	d.log.Info("daemon started", "connectors", len(d.o.Connectors), "timezone", d.o.Location.String())

	<-ctx.Done()
	d.log.Info("stopping: waiting for running jobs")
	cronDone := c.Stop() // no new jobs
	cancelJobs()
	waited := make(chan struct{})
	go func() {
		<-cronDone.Done()
		d.jobs.Wait()
		close(waited)
	}()
	select {
	case <-waited:
	case <-time.After(d.o.StopTimeout):
		d.log.Warn("jobs still running after the stop timeout; their open pages roll back", "timeout", d.o.StopTimeout)
	}
	if srv != nil {
		shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutCtx)
	}
	d.log.Info("daemon stopped")
	return nil
}

// Addr returns the HTTP listener's address once Run has started it.
func (d *Daemon) Addr() string {
	if p := d.addr.Load(); p != nil {
		return *p
	}
	return ""
}

// runJob runs one connector unless it is already running here, and keeps
// a panic from taking the daemon down.
func (d *Daemon) runJob(ctx context.Context, conn connectors.Connector) {
	name := conn.Config.Name
	flag := d.running[name]
	if !flag.CompareAndSwap(false, true) {
		d.log.Warn("previous run still going; skipping this one", "connector", name)
		return
	}
	defer flag.Store(false)
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("job panicked; the daemon goes on", "connector", name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	if ctx.Err() != nil {
		return
	}
	res, err := d.o.Runner.Run(ctx, conn)
	if d.o.AfterSync != nil && !res.Busy && ctx.Err() == nil {
		d.o.AfterSync(ctx)
	}
	switch {
	case res.Busy:
		d.log.Info("connector is running in another process; skipped", "connector", name, "detail", err)
	case err != nil && ctx.Err() == nil:
		d.log.Error("connector run failed", "connector", name, "err", err)
		d.alertFailure(ctx, conn, res)
	}
}

// runTask runs one task unless it is already running here, and keeps a
// panic from taking the daemon down.
func (d *Daemon) runTask(ctx context.Context, t Task) {
	flag := d.running["task:"+t.Name]
	if !flag.CompareAndSwap(false, true) {
		d.log.Warn("previous run still going; skipping this one", "task", t.Name)
		return
	}
	defer flag.Store(false)
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("task panicked; the daemon goes on", "task", t.Name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	if ctx.Err() != nil {
		return
	}
	start := time.Now()
	err := t.Run(ctx)
	switch {
	case errors.Is(err, engine.ErrBusy):
		d.log.Info("task is running in another process; skipped", "task", t.Name, "detail", err)
	case err != nil && ctx.Err() == nil:
		d.log.Error("task failed", "task", t.Name, "err", err)
	case err == nil:
		d.log.Info("task done", "task", t.Name, "took", time.Since(start).Round(time.Millisecond))
	}
}

// alertFailure tells people which streams of a run failed and why.
func (d *Daemon) alertFailure(ctx context.Context, conn connectors.Connector, res engine.Result) {
	if d.o.Notifier == nil {
		return
	}
	for _, s := range res.Streams {
		if s.Err == nil {
			continue
		}
		a := notify.Alert{
			Rule:  "sync_failed",
			Title: fmt.Sprintf("%s/%s failed after %d records", conn.Config.Name, s.Stream, s.Written),
			Fields: []notify.Field{
				{Label: "error", Value: s.Err.Error()},
				{Label: "next run", Value: conn.Config.Schedule.Next(time.Now().In(d.o.Location)).Format("2006-01-02 15:04 MST")},
			},
			At: time.Now(),
		}
		if err := d.o.Notifier.Notify(ctx, a); err != nil {
			d.log.Warn("sending failure alert", "connector", conn.Config.Name, "err", err)
		}
	}
}

// Handler serves /healthz (the process is up), /readyz (the database
// answers), /metrics (Prometheus) and /webhooks/<connector> (vendors'
// webhooks, for connectors that take them).
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if d.o.DB == nil {
			http.Error(w, "no database", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := d.o.DB.Ping(ctx); err != nil {
			d.log.Warn("readiness check failed", "err", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.o.Gatherer, promhttp.HandlerOpts{}))
	mux.HandleFunc("POST /webhooks/{name}", d.receiveWebhook)
	mux.HandleFunc("GET /webhooks/{name}", d.webhookHandshake)
	return mux
}
