package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/all"
	"github.com/nayose/nayose/store"
	"golang.org/x/oauth2"
)

// command is one subcommand of the binary.
type command struct {
	name    string
	args    string // what follows the flags, for usage
	summary string
	// setup defines the command's own flags.
	setup func(fs *flag.FlagSet, o *cmdOptions)
	run   func(ctx context.Context, env *cmdEnv, args []string) error
}

// cmdOptions are the flags a command may define.
type cmdOptions struct {
	config  string
	once    bool
	limit   int
	note    string
	resolve resolveOptions
	demo    demoOptions
}

// cmdEnv is what a running command gets.
type cmdEnv struct {
	opts   cmdOptions
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// exitError carries an exit code without a message of its own.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func commands() []command {
	return []command{
		{name: "demo", summary: "see the whole product at work on a generated shop, with fake vendors and no accounts (until Ctrl-C)",
			setup: setupDemo, run: cmdDemo},
		{name: "run", summary: "run the daemon: every connector on its schedule, with /healthz, /readyz and /metrics",
			setup: func(fs *flag.FlagSet, o *cmdOptions) {
				fs.BoolVar(&o.once, "once", false, "run every connector once, then exit (non-zero if any failed)")
			}, run: cmdRun},
		{name: "sync", args: "[NAME...]", summary: "run the named connectors (all when none is named) once; the exit code says whether they succeeded", run: cmdSync},
		{name: "validate", summary: "check the configuration and list every problem; exit 0 when it is valid", run: cmdValidate},
		{name: "migrate", summary: "create or update the database tables", run: cmdMigrate},
		{name: "status", summary: "show the last run of each connector stream, with counts and errors", run: cmdStatus},
		{name: "customers", args: "QUERY", summary: "find customers by email, phone or name and show their identities and activities",
			setup: func(fs *flag.FlagSet, o *cmdOptions) {
				fs.IntVar(&o.limit, "limit", 20, "show at most this many customers, and activities per customer")
			}, run: cmdCustomers},
		{name: "review", summary: "list pairs of customers that may be one person, with the evidence, strongest first",
			setup: func(fs *flag.FlagSet, o *cmdOptions) {
				fs.IntVar(&o.limit, "limit", 20, "show at most this many pairs")
			}, run: cmdReview},
		{name: "merge", args: "A B", summary: "make customers A and B one person (kept by every later run)", setup: setupNote, run: cmdMerge},
		{name: "never-match", args: "A B", summary: "mark customers A and B as two people (kept by every later run)", setup: setupNote, run: cmdNeverMatch},
		{name: "split", args: "IDENTITY", summary: "take a source record out of its customer into one of its own (kept by every later run)", setup: setupNote, run: cmdSplit},
		{name: "rematch", summary: "re-resolve every stored identity, after changing mapping weights or thresholds", run: cmdRematch},
		{name: "resolve", summary: "resolve a CSV of customer records into people (no database or configuration needed)",
			setup: setupResolve, run: cmdResolve},
	}
}

func setupNote(fs *flag.FlagSet, o *cmdOptions) {
	fs.StringVar(&o.note, "note", "", "why, in your words (kept with the decision)")
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "nayose brings a business's customers together from every tool it uses, into one table.")
	fmt.Fprintln(w, "\nUsage: nayose COMMAND [-c FILE] [flags] [args]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nThe configuration is -c/--config FILE, else $NAYOSE_CONFIG, else nayose.yaml.")
	fmt.Fprintln(w, "Run 'nayose COMMAND --help' for a command's flags.")
}

// run is the whole program, for tests to call.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == args[0] {
			cmd = &c
			break
		}
	}
	if cmd == nil {
		names := make([]string, 0, len(commands()))
		for _, c := range commands() {
			names = append(names, c.name)
		}
		msg := fmt.Sprintf("nayose: unknown command %q", args[0])
		if s, ok := config.Closest(args[0], names); ok {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		fmt.Fprintln(stderr, msg)
		usage(stderr)
		return 2
	}

	env := &cmdEnv{stdout: stdout, stderr: stderr, getenv: getenv}
	fs := flag.NewFlagSet("nayose "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&env.opts.config, "c", "", "configuration `FILE` (default $NAYOSE_CONFIG or nayose.yaml)")
	fs.StringVar(&env.opts.config, "config", "", "configuration `FILE` (same as -c)")
	if cmd.setup != nil {
		cmd.setup(fs, &env.opts)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: nayose %s [flags] %s\n\n%s\n\nFlags:\n", cmd.name, cmd.args, cmd.summary)
		fs.PrintDefaults()
	}
	rest, err := parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if env.opts.config == "" {
		env.opts.config = getenv("NAYOSE_CONFIG")
	}
	if env.opts.config == "" {
		env.opts.config = "nayose.yaml"
	}
	if err := cmd.run(ctx, env, rest); err != nil {
		var exit exitError
		if errors.As(err, &exit) {
			return exit.code
		}
		var usage *usageErr
		if errors.As(err, &usage) {
			fmt.Fprintf(stderr, "nayose %s: %v\n", cmd.name, err)
			fs.Usage()
			return 2
		}
		fmt.Fprintf(stderr, "nayose %s: %v\n", cmd.name, err)
		return 1
	}
	return 0
}

// parseInterleaved parses flags that may come before or after positional
// arguments ("nayose sync shop -c x.yaml").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// loadConfig loads the configuration and builds its connectors, reporting
// every problem of both at once.
func loadConfig(path string) (*config.Config, []connectors.Connector, error) {
	cfg, loadErr := config.Load(path)
	if cfg == nil {
		return nil, nil, loadErr
	}
	bo := connectors.BuildOptions{Logger: slog.New(slog.DiscardHandler)}
	if cfg.SecretKey != "" {
		// Checking only: connectors that keep OAuth tokens see that a
		// store will be there; it is opened with the database.
		bo.Tokens = unopenedTokens{}
	}
	conns, buildErr := all.Registry().BuildWith(cfg, bo)
	if loadErr == nil && buildErr == nil {
		return cfg, conns, nil
	}
	var problems config.Problems
	for _, err := range []error{loadErr, buildErr} {
		var ps config.Problems
		if errors.As(err, &ps) {
			problems = append(problems, ps...)
		} else if err != nil {
			return nil, nil, err
		}
	}
	return nil, nil, problems.Err()
}

// newLogger makes the slog logger the configuration asks for.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore opens the configured database and brings its schema and BI
// views up to date.
func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, storeOptions(cfg, log))
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("database migrated", "versions", applied)
	}
	// The BI views follow the configured timezone: made again at every start.
	if err := db.EnsureViews(ctx, cfg.Timezone.Location); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openConfigured loads the configuration (connector options unchecked:
// the command does not run connectors) and opens its migrated database.
func openConfigured(ctx context.Context, env *cmdEnv) (*config.Config, *store.DB, error) {
	cfg, err := config.Load(env.opts.config)
	if err != nil {
		return nil, nil, err
	}
	db, err := openStore(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, nil, err
	}
	return cfg, db, nil
}

// storeOptions says which database the configuration names.
func storeOptions(cfg *config.Config, log *slog.Logger) store.Options {
	opts := store.Options{Dialect: cfg.Database.Driver, MaxOpenConns: cfg.Database.MaxOpenConns, Logger: log}
	if opts.Dialect == store.SQLite {
		opts.Path = cfg.DatabasePath()
	} else {
		opts.DSN = cfg.Database.DSN.Reveal()
	}
	return opts
}

// describeDB says where the data is, for people, without secrets.
func describeDB(cfg *config.Config) string {
	if cfg.Database.Driver == store.SQLite {
		return "SQLite " + cfg.DatabasePath()
	}
	return "MySQL"
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// unopenedTokens stands in for the token store while the configuration is
// only being checked; building a connector never touches it.
type unopenedTokens struct{}

func (unopenedTokens) Load(context.Context, string) (*oauth2.Token, error) {
	return nil, errors.New("the token store is not open")
}

func (unopenedTokens) Save(context.Context, string, *oauth2.Token) error {
	return errors.New("the token store is not open")
}
