package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/all"
	"github.com/nayose/nayose/notify"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/sync/daemon"
	"github.com/nayose/nayose/sync/engine"
	"github.com/nayose/nayose/sync/metrics"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

func cmdRun(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("run takes no arguments (got %q); to run some connectors once, use: nayose sync %s", args, strings.Join(args, " "))
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s, err := openSync(ctx, env, engine.NewMetrics(reg))
	if err != nil {
		return err
	}
	defer s.db.Close()
	if env.opts.once {
		return runOnce(ctx, env.stdout, s.cfg, s.db, s.eng, s.conns)
	}
	cfg, log := s.cfg, s.log
	log.Info("nayose starting", "config", cfg.File, "database", describeDB(cfg))
	d, err := newDaemon(s, reg, env.stdout)
	if err != nil {
		return err
	}
	return d.Run(ctx)
}

// newDaemon assembles what `run` runs: every connector on its schedule,
// the alert outbox (console alerts go to console), the alert rules after
// every sync and on their schedule, and the daily metrics pass.
func newDaemon(s *syncSetup, reg *prometheus.Registry, console io.Writer) (*daemon.Daemon, error) {
	cfg, db, eng, log := s.cfg, s.db, s.eng, s.log
	outbox, err := notify.FromConfig(cfg, db, notify.Setup{Console: console, Logger: log, Metrics: notify.NewMetrics(reg)})
	if err != nil {
		return nil, err
	}
	opts := daemon.Options{
		Runner:     eng,
		DB:         db,
		Connectors: s.conns,
		Location:   cfg.Timezone.Location,
		Listen:     cfg.HTTP.Listen,
		Gatherer:   reg,
		Logger:     log,
		Notifier:   outbox.Notifier(),
		Tasks: []daemon.Task{{Name: "metrics", Schedule: cfg.Metrics.Refresh, Run: func(ctx context.Context) error {
			_, err := eng.RefreshMetrics(ctx)
			return err
		}}},
		Services: []func(context.Context){outbox.Run},
	}
	rules := configuredRules(cfg, db, outbox, log)
	if !cfg.Notify.Rules.NewInquiry.Off {
		opts.AfterSync = func(ctx context.Context) {
			if _, err := rules.NewInquiries(ctx); err != nil {
				log.Error("new-inquiry alerts", "err", err)
			}
		}
	}
	if d := cfg.Notify.Rules.Dormant; !d.Off {
		opts.Tasks = append(opts.Tasks, daemon.Task{Name: "dormant_digest", Schedule: d.Schedule, Run: func(ctx context.Context) error {
			_, err := rules.DormantDigest(ctx)
			return err
		}})
	}
	return daemon.New(opts), nil
}

// configuredRules sets up the alert rules the notify section asks for.
func configuredRules(cfg *config.Config, db *store.DB, outbox *notify.Outbox, log *slog.Logger) *notify.Rules {
	r := cfg.Notify.Rules
	return &notify.Rules{DB: db, Outbox: outbox, Location: cfg.Timezone.Location, Logger: log,
		NewInquiryMaxAge: r.NewInquiry.MaxAge.Std(), DormantMinPurchases: r.Dormant.MinPurchases, DormantMinNetSales: r.Dormant.MinNetSales}
}

// configuredFigures turns the metrics settings into the engine's options.
func configuredFigures(cfg *config.Config) metrics.Options {
	m := cfg.Metrics
	return metrics.Options{Location: cfg.Timezone.Location, DormantAfterDays: m.DormantAfterDays,
		RhythmFactor: m.RhythmFactor, RhythmMinPurchases: m.RhythmMinPurchases, OpportunityDays: m.OpportunityDays}
}

func cmdSync(ctx context.Context, env *cmdEnv, args []string) error {
	s, err := openSync(ctx, env, nil)
	if err != nil {
		return err
	}
	defer s.db.Close()
	conns := s.conns
	if len(args) > 0 {
		if conns, err = pick(conns, args); err != nil {
			return err
		}
	}
	return runOnce(ctx, env.stdout, s.cfg, s.db, s.eng, conns)
}

// syncSetup is what run and sync work with.
type syncSetup struct {
	cfg   *config.Config
	conns []connectors.Connector
	log   *slog.Logger
	db    *store.DB
	eng   *engine.Engine
}

// openSync loads the configuration with its connectors, opens and migrates
// the database, and builds the engine; metrics may be nil.
func openSync(ctx context.Context, env *cmdEnv, metrics *engine.Metrics) (*syncSetup, error) {
	cfg, conns, err := loadConfig(env.opts.config)
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg, env.stderr)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	// The connectors were built once to check the configuration; build
	// them again with the real logger and, when there is a secret key, the
	// encrypted token store for those that refresh OAuth tokens.
	bo := connectors.BuildOptions{Logger: log, Inbox: db.Inbox()}
	if key := cfg.SecretKey.Reveal(); key != "" {
		tokens, err := store.NewTokenStore(db, key)
		if err != nil {
			db.Close()
			return nil, err
		}
		bo.Tokens = tokens
	}
	if conns, err = all.Registry().BuildWith(cfg, bo); err != nil {
		db.Close()
		return nil, err
	}
	eng := engine.New(engine.Options{DB: db, Resolve: configuredResolve(cfg), SourcePriority: cfg.Mapping.SourcePriority, Logger: log, Metrics: metrics,
		Figures: configuredFigures(cfg)})
	// Identities stored before identity resolution kept its index are
	// indexed (and re-resolved) once, before anything new arrives.
	if n, err := eng.Unindexed(ctx); err != nil {
		db.Close()
		return nil, err
	} else if n > 0 {
		log.Info("indexing identities stored by an older nayose for identity resolution", "identities", n)
		if _, err := eng.Rematch(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("indexing identities: %w", err)
		}
	}
	return &syncSetup{cfg: cfg, conns: conns, log: log, db: db, eng: eng}, nil
}

// pick returns the named connectors, or an error naming the unknown ones.
func pick(conns []connectors.Connector, names []string) ([]connectors.Connector, error) {
	var known []string
	for _, c := range conns {
		known = append(known, c.Config.Name)
	}
	var out []connectors.Connector
	var problems []string
	for _, n := range names {
		i := slices.Index(known, n)
		if i < 0 {
			msg := fmt.Sprintf("no connector named %q", n)
			if s, ok := config.Closest(n, known); ok {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += fmt.Sprintf(" (configured: %s)", strings.Join(known, ", "))
			}
			problems = append(problems, msg)
			continue
		}
		out = append(out, conns[i])
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	return out, nil
}

// runOnce runs the connectors one after another, prints what each did and
// what the tables hold, and fails when any stream did not succeed.
func runOnce(ctx context.Context, w io.Writer, cfg *config.Config, db *store.DB, eng *engine.Engine, conns []connectors.Connector) error {
	failed := 0
	for _, c := range conns {
		res, err := eng.Run(ctx, c)
		if res.Busy {
			fmt.Fprintf(w, "%s: skipped, %v\n", c.Config.Name, err)
			failed++
			continue
		}
		for _, s := range res.Streams {
			fmt.Fprintf(w, "%s/%s: %s, %s read, %d written, %d rejected in %s\n",
				c.Config.Name, s.Stream, s.Status, plural(s.Read, "record", "records"), s.Written, s.Rejected, s.Duration.Round(time.Millisecond))
			if s.Err != nil {
				fmt.Fprintf(w, "    error: %s\n", oneLine(s.Err.Error()))
			}
			if s.Status != store.RunSucceeded {
				failed++
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	// One-off runs have no daily pass: the RFM cuts and everyone's recency
	// are brought up to date here, so a sync by cron leaves whole figures.
	if ctx.Err() == nil {
		if _, err := eng.RefreshMetrics(ctx); errors.Is(err, engine.ErrBusy) {
			fmt.Fprintln(w, "customer metrics: another nayose is recomputing them now")
		} else if err != nil {
			fmt.Fprintf(w, "customer metrics: %s\n", oneLine(err.Error()))
			failed++
		}
	}
	var customers, identities, activities, rejected int64
	g := db.Gorm.WithContext(context.WithoutCancel(ctx))
	g.Model(&store.Customer{}).Count(&customers)
	g.Model(&store.Identity{}).Count(&identities)
	g.Model(&store.Activity{}).Count(&activities)
	g.Model(&store.RejectedRecord{}).Count(&rejected)
	fmt.Fprintf(w, "\n%s now holds %d customers from %d source records, with %d activities.\n", describeDB(cfg), customers, identities, activities)
	if rejected > 0 {
		fmt.Fprintf(w, "%d records were rejected so far: 'nayose status' lists the latest, the table rejected_records has them all.\n", rejected)
	}
	switch {
	case ctx.Err() != nil:
		return exitError{code: 130}
	case failed > 0:
		return exitError{code: 1}
	}
	return nil
}
