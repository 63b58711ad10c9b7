package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/store"
)

func cmdValidate(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("validate takes no arguments; name the file with -c")
	}
	cfg, conns, err := loadConfig(env.opts.config)
	var problems config.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(env.stdout, p.Error())
		}
		fmt.Fprintf(env.stdout, "%s: %s\n", env.opts.config, plural(len(problems), "problem", "problems"))
		return exitError{code: 1}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s: valid: %s, database %s, timezone %s\n",
		cfg.File, plural(len(conns), "connector", "connectors"), describeDB(cfg), cfg.Timezone)
	for _, c := range conns {
		next := c.Config.Schedule.Next(time.Now().In(cfg.Timezone.Location))
		fmt.Fprintf(env.stdout, "  %s (%s): %q, next run %s\n", c.Config.Name, c.Config.Type, c.Config.Schedule.Spec, next.Format("2006-01-02 15:04 MST"))
	}
	return nil
}

func cmdMigrate(ctx context.Context, env *cmdEnv, args []string) error {
	cfg, err := config.Load(env.opts.config)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, storeOptions(cfg, newLogger(cfg, env.stderr)))
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if err := db.EnsureViews(ctx, cfg.Timezone.Location); err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(env.stdout, "%s: schema is up to date\n", describeDB(cfg))
		return nil
	}
	fmt.Fprintf(env.stdout, "%s: applied migrations %v\n", describeDB(cfg), applied)
	return nil
}

func cmdStatus(ctx context.Context, env *cmdEnv, args []string) error {
	cfg, db, err := openConfigured(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	g := db.Gorm.WithContext(ctx)
	var runs []store.SyncRun
	err = g.Where("id IN (?)", g.Model(&store.SyncRun{}).Select("MAX(id)").Group("connector, stream")).
		Order("connector, id").Find(&runs).Error
	if err != nil {
		return fmt.Errorf("reading sync_runs: %w", err)
	}
	loc := cfg.Timezone.Location
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONNECTOR\tSTREAM\tLAST RUN\tSTATUS\tTOOK\tREAD\tWRITTEN\tREJECTED")
	ran := map[string]bool{}
	for _, r := range runs {
		ran[r.Connector] = true
		took := "-"
		if r.FinishedAt != nil {
			took = r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n", r.Connector, r.Stream,
			r.StartedAt.In(loc).Format("2006-01-02 15:04:05"), r.Status, took, r.RecordsRead, r.RecordsWritten, r.RecordsRejected)
	}
	for _, c := range cfg.Connectors {
		if !ran[c.Name] {
			fmt.Fprintf(tw, "%s\t-\tnever\t-\t-\t-\t-\t-\n", c.Name)
		}
	}
	tw.Flush()
	for _, r := range runs {
		if r.Error != "" {
			fmt.Fprintf(env.stdout, "\n%s/%s error: %s\n", r.Connector, r.Stream, oneLine(r.Error))
		}
	}
	// The rejects still standing: those of each stream's latest run that
	// read anything (a run that found its file unchanged rejects nothing).
	var rejects []store.RejectedRecord
	readRuns := g.Model(&store.SyncRun{}).Select("MAX(id)").Where("records_read > 0").Group("connector, stream")
	g.Where("run_id IN (?)", readRuns).Order("id").Limit(20).Find(&rejects)
	if len(rejects) > 0 {
		fmt.Fprintln(env.stdout, "\nRejected records (first 20; all are in rejected_records):")
		for _, r := range rejects {
			where := r.Location
			if r.Field != "" {
				where += " [" + r.Field + "]"
			}
			id := ""
			if r.ExternalID != "" {
				id = " id " + r.ExternalID + ":"
			}
			fmt.Fprintf(env.stdout, "  %s/%s %s%s %s\n", r.Connector, r.Stream, where, id, oneLine(r.Reason))
		}
	}
	var customers int64
	g.Model(&store.Customer{}).Count(&customers)
	fmt.Fprintf(env.stdout, "\n%s: %d customers (times in %s)\n", describeDB(cfg), customers, loc)
	return nil
}
