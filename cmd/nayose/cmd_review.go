package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/nayose/nayose/mapping"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/sync/engine"
)

// openDecisions opens the configured database with an engine for a
// person's decisions.
func openDecisions(ctx context.Context, env *cmdEnv) (*engine.Engine, *store.DB, error) {
	cfg, db, err := openConfigured(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	eng := engine.New(engine.Options{DB: db, Resolve: configuredResolve(cfg), SourcePriority: cfg.Mapping.SourcePriority,
		Logger: slog.New(slog.DiscardHandler)})
	return eng, db, nil
}

func parseIDs(args []string, want int, what string) ([]int64, error) {
	if len(args) != want {
		return nil, usageError(fmt.Sprintf("expected %s", what))
	}
	ids := make([]int64, len(args))
	for i, a := range args {
		n, err := strconv.ParseInt(strings.TrimPrefix(a, "#"), 10, 64)
		if err != nil || n <= 0 {
			return nil, usageError(fmt.Sprintf("%q is not an id (expected %s)", a, what))
		}
		ids[i] = n
	}
	return ids, nil
}

func decision(env *cmdEnv) engine.Decision {
	actor := env.getenv("USER")
	if actor == "" {
		actor = "cli"
	}
	return engine.Decision{Actor: actor, Note: env.opts.note}
}

// withDecision parses the ids a decision names, opens the engine and runs
// decide; the message it returns is printed.
func withDecision(ctx context.Context, env *cmdEnv, args []string, want int, what string,
	decide func(eng *engine.Engine, ids []int64, d engine.Decision) (string, error)) error {
	ids, err := parseIDs(args, want, what)
	if err != nil {
		return err
	}
	eng, db, err := openDecisions(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	msg, err := decide(eng, ids, decision(env))
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, msg)
	return nil
}

// cmdMerge makes two customers one person, for good.
func cmdMerge(ctx context.Context, env *cmdEnv, args []string) error {
	return withDecision(ctx, env, args, 2, "two customer ids: nayose merge A B", func(eng *engine.Engine, ids []int64, d engine.Decision) (string, error) {
		survivor, err := eng.Merge(ctx, ids[0], ids[1], d)
		return fmt.Sprintf("Customers %d and %d are now customer %d; later runs keep them together.", ids[0], ids[1], survivor), err
	})
}

// cmdNeverMatch keeps two customers apart, for good.
func cmdNeverMatch(ctx context.Context, env *cmdEnv, args []string) error {
	return withDecision(ctx, env, args, 2, "two customer ids: nayose never-match A B", func(eng *engine.Engine, ids []int64, d engine.Decision) (string, error) {
		err := eng.NeverMatch(ctx, ids[0], ids[1], d)
		return fmt.Sprintf("Customers %d and %d are marked as two people; no later run merges them.", ids[0], ids[1]), err
	})
}

// cmdSplit takes one source record out of its customer, for good.
func cmdSplit(ctx context.Context, env *cmdEnv, args []string) error {
	return withDecision(ctx, env, args, 1, "an identity id: nayose split IDENTITY (nayose customers shows them)", func(eng *engine.Engine, ids []int64, d engine.Decision) (string, error) {
		moved, err := eng.Split(ctx, ids[0], d)
		return fmt.Sprintf("Identity %d is now customer %d; later runs keep it apart from the records it left.", ids[0], moved), err
	})
}

// reviewRow is a pair for review with what a person needs to decide.
type reviewRow struct {
	store.MatchReview
	CustomerA, CustomerB int64
}

// cmdReview lists pairs that may be one person, strongest first, with the
// evidence and the commands that decide them.
func cmdReview(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) > 0 {
		return usageError("review takes no arguments")
	}
	_, db, err := openConfigured(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	g := db.Gorm.WithContext(ctx)
	var rows []reviewRow
	err = g.Table("match_reviews r").
		Select("r.*, a.customer_id AS customer_a, b.customer_id AS customer_b").
		Joins("JOIN customer_identities a ON a.id = r.identity_a").
		Joins("JOIN customer_identities b ON b.id = r.identity_b").
		Where("a.customer_id <> b.customer_id").
		Order("r.score DESC, r.identity_a, r.identity_b").Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("reading pairs for review: %w", err)
	}
	// One line per pair of customers: their strongest pair of records.
	seen := map[[2]int64]bool{}
	rows = slices.DeleteFunc(rows, func(r reviewRow) bool {
		k := [2]int64{min(r.CustomerA, r.CustomerB), max(r.CustomerA, r.CustomerB)}
		dup := seen[k]
		seen[k] = true
		return dup
	})
	rows = rows[:min(len(rows), env.opts.limit)]
	if len(rows) == 0 {
		fmt.Fprintln(env.stdout, "Nothing to review: every pair scored either clearly one person or clearly two.")
		return nil
	}
	ids := make([]int64, 0, 2*len(rows))
	for _, r := range rows {
		ids = append(ids, r.IdentityA, r.IdentityB)
	}
	var idents []store.Identity
	if err := g.Omit("raw").Where("id IN ?", ids).Find(&idents).Error; err != nil {
		return fmt.Errorf("reading identities: %w", err)
	}
	byID := map[int64]store.Identity{}
	for _, id := range idents {
		byID[id.ID] = id
	}
	fmt.Fprintf(env.stdout, "%s that may be one person (strongest first):\n", plural(len(rows), "pair", "pairs"))
	for i, r := range rows {
		fmt.Fprintf(env.stdout, "\n%d. score %.1f: %s\n", i+1, r.Score, r.Reason)
		for _, side := range []struct {
			customer int64
			ident    store.Identity
		}{{r.CustomerA, byID[r.IdentityA]}, {r.CustomerB, byID[r.IdentityB]}} {
			fmt.Fprintf(env.stdout, "   customer %d  identity %d  %s\n", side.customer, side.ident.ID, describeIdentity(side.ident))
		}
		fmt.Fprintf(env.stdout, "   evidence: %s\n", reviewEvidence(r.Evidence))
		fmt.Fprintf(env.stdout, "   decide:   nayose merge %d %d   |   nayose never-match %d %d\n", r.CustomerA, r.CustomerB, r.CustomerA, r.CustomerB)
	}
	return nil
}

// describeIdentity is one line about a source record.
func describeIdentity(id store.Identity) string {
	parts := []string{id.Source + ":" + id.ExternalID}
	if n := mapping.DisplayName(id.FullName, id.FamilyName, id.GivenName); n != "" {
		parts = append(parts, n)
	}
	for _, v := range []string{id.NameKana, id.EmailKey, id.PhoneKey, id.Birthday, id.PostalCode, id.Address} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, "  ")
}

// reviewEvidence renders stored evidence: "email exact +13.1, ...".
func reviewEvidence(raw string) string {
	var ev struct {
		Fields map[string]struct {
			Level  string  `json:"level"`
			Weight float64 `json:"weight"`
		} `json:"fields"`
	}
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		return raw
	}
	names := make([]string, 0, len(ev.Fields))
	for n := range ev.Fields {
		names = append(names, n)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %s %+.1f", n, ev.Fields[n].Level, ev.Fields[n].Weight)
	}
	return strings.Join(parts, ", ")
}

// cmdRematch re-resolves every identity: after changing match weights or
// thresholds in the config.
func cmdRematch(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) > 0 {
		return usageError("rematch takes no arguments")
	}
	eng, db, err := openDecisions(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	var before int64
	if err := db.Gorm.WithContext(ctx).Model(&store.Customer{}).Count(&before).Error; err != nil {
		return err
	}
	res, err := eng.Rematch(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Re-resolved %s: %d customers before, %d now. Decisions made with merge, split and never-match were kept.\n",
		plural(res.Identities, "identity", "identities"), before, res.Customers)
	return nil
}
