package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nayose/nayose/connectors/demo"
	"github.com/nayose/nayose/mapping/resolve/eval"
	"github.com/nayose/nayose/notify"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/sync/engine"
	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"
)

// demoOptions are the demo's flags.
type demoOptions struct {
	dir      string
	people   int
	seed     uint64
	pace     time.Duration
	every    time.Duration
	listen   string
	duration time.Duration
}

func setupDemo(fs *flag.FlagSet, o *cmdOptions) {
	fs.StringVar(&o.demo.dir, "dir", "nayose-demo", "`DIR` for the demo's configuration, CSV exports and SQLite database (its demo files are replaced)")
	fs.IntVar(&o.demo.people, "people", 1500, "how many people the generated shop has")
	fs.Uint64Var(&o.demo.seed, "seed", 1, "seed of the generated shop: the same seed gives the same people")
	fs.DurationVar(&o.demo.pace, "pace", 8*time.Second, "how often something happens in the shop")
	fs.DurationVar(&o.demo.every, "every", 20*time.Second, "how often the daemon syncs each connector")
	fs.StringVar(&o.demo.listen, "listen", "127.0.0.1:8080", "`ADDR` for the daemon's /healthz, /readyz and /metrics; empty for none")
	fs.DurationVar(&o.demo.duration, "for", 0, "stop after this long (default: run until interrupted)")
}

// demoWebhookEnv names the variable that, when set, sends the demo's
// alerts to a Slack incoming webhook as well as to the console.
const demoWebhookEnv = "NAYOSE_SLACK_WEBHOOK_URL"

// cmdDemo runs the whole product against a generated shop: the vendors'
// fakes serve it on loopback ports, the connectors read them into SQLite,
// and the daemon keeps syncing while the shop goes on selling, booking
// and mailing, so that alerts keep coming.
func cmdDemo(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) > 0 {
		return &usageErr{fmt.Sprintf("demo takes no arguments (got %q)", args)}
	}
	o := env.opts.demo
	if o.people < 10 {
		return &usageErr{fmt.Sprintf("-people must be at least 10 (got %d)", o.people)}
	}
	if o.pace <= 0 || o.every < time.Second {
		return &usageErr{fmt.Sprintf("-pace must be positive and -every at least 1s (got %s and %s)", o.pace, o.every)}
	}
	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	out := &lockedWriter{w: env.stdout}
	if err := resetDemoDir(o.dir); err != nil {
		return err
	}

	world := demo.NewWorld(demo.Options{Seed: o.seed, People: o.people}, time.Now())
	sources := demo.Sources(world)
	shop, conns, err := demo.Open(world, sources, o.dir)
	if err != nil {
		return err
	}
	defer shop.Close()
	for i := range conns {
		conns[i].Schedule = "@every " + o.every.String()
	}
	cfgPath := filepath.Join(o.dir, "nayose.yaml")
	webhook := env.getenv(demoWebhookEnv) != ""
	if err := writeDemoConfig(cfgPath, world, sources, conns, webhook, o.listen); err != nil {
		return err
	}
	fmt.Fprintf(out, "nayose demo: a hair salon in 三軒茶屋 with %d people and three years of history.\n", o.people)
	fmt.Fprintf(out, "Fake vendor APIs are serving it on this machine: %s.\n", strings.Join(demo.Names(sources), ", "))
	fmt.Fprintf(out, "Configuration: %s (the connectors point at the fakes; read it to see how a real setup looks).\n", cfgPath)
	if webhook {
		fmt.Fprintf(out, "Alerts go to the console and to Slack (%s is set).\n", demoWebhookEnv)
	} else {
		fmt.Fprintf(out, "Alerts go to the console; set %s to post them to Slack too.\n", demoWebhookEnv)
	}

	sub := *env
	sub.opts.config, sub.stdout = cfgPath, out
	reg := prometheus.NewRegistry()
	s, err := openSync(ctx, &sub, engine.NewMetrics(reg))
	if err != nil {
		return err
	}
	defer s.db.Close()

	fmt.Fprintf(out, "\nFirst sync of every connector into %s:\n", describeDB(s.cfg))
	started := time.Now()
	for _, c := range s.conns {
		stop := showProgress(out, reg, c.Config.Name)
		res, err := s.eng.Run(ctx, c)
		stop()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("first sync of %s: %w", c.Config.Name, err)
		}
		for _, r := range res.Streams {
			fmt.Fprintf(out, "  %s/%s: %s, %s in %s\n", c.Config.Name, r.Stream, r.Status,
				plural(r.Read, "record", "records"), r.Duration.Round(time.Millisecond))
			if r.Err != nil {
				fmt.Fprintf(out, "    error: %s\n", oneLine(r.Err.Error()))
			}
		}
	}
	if _, err := s.eng.RefreshMetrics(ctx); err != nil {
		return fmt.Errorf("computing customer metrics: %w", err)
	}
	sum, err := summarize(ctx, s.db, shop)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Synced in %s.\n\n", time.Since(started).Round(100*time.Millisecond))
	sum.print(out)

	d, err := newDaemon(s, reg, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nThe daemon is running: connectors every %s, metrics and the dormant digest every minute.\n", o.every)
	if o.listen != "" {
		fmt.Fprintf(out, "Its health and Prometheus metrics: http://%s/healthz, http://%s/metrics\n", o.listen, o.listen)
	}
	fmt.Fprintf(out, "The shop goes on: something happens every %s. Stop with Ctrl-C.\n\n", o.pace)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		liveShop(ctx, out, shop, o.pace, s.cfg.Timezone.Location, d.Handler())
	}()
	runErr := d.Run(ctx)
	wg.Wait()
	if runErr != nil && !errors.Is(runErr, context.Canceled) && !errors.Is(runErr, context.DeadlineExceeded) {
		return runErr
	}
	final, err := summarize(context.WithoutCancel(ctx), s.db, shop)
	if err == nil {
		fmt.Fprintln(out, "\nStopped. Where things stand:")
		final.print(out)
	}
	fmt.Fprintf(out, "\nThe data stays in %s: try `nayose customers -c %s 佐藤`, or query the BI views (customer_360, dormant_customers, ...) with sqlite3.\n",
		s.cfg.DatabasePath(), cfgPath)
	return nil
}

// liveShop lets things happen in the shop every pace until ctx ends, and
// says what happened. What the shop's tools push (LINE) goes to the
// daemon's /webhooks/<connector> endpoint, as it would over the network.
func liveShop(ctx context.Context, out io.Writer, shop *demo.Shop, pace time.Duration, loc *time.Location, daemonHTTP http.Handler) {
	t := time.NewTicker(pace)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			hs, err := shop.Tick(now)
			for _, h := range hs {
				fmt.Fprintf(out, "%s  shop: %s\n", now.In(loc).Format("15:04:05"), h.Describe(loc))
			}
			if err != nil {
				fmt.Fprintf(out, "%s  shop: %v\n", now.In(loc).Format("15:04:05"), err)
			}
			for _, d := range shop.Deliveries() {
				r := d.Request.Clone(ctx)
				r.URL.Path, r.RequestURI = "/webhooks/"+d.Connector, ""
				w := httptest.NewRecorder()
				daemonHTTP.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					fmt.Fprintf(out, "%s  shop: the %s webhook was answered %d\n", now.In(loc).Format("15:04:05"), d.Connector, w.Code)
				}
			}
		}
	}
}

// showProgress prints how many records a connector's first sync has read
// so far, every second, until stop is called.
func showProgress(out io.Writer, reg prometheus.Gatherer, connector string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		last := -1
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if n := recordsRead(reg, connector); n != last && n > 0 {
					fmt.Fprintf(out, "  %s: %s records so far…\n", connector, thousands(int64(n)))
					last = n
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// recordsRead sums the engine's records-read counter of a connector.
func recordsRead(reg prometheus.Gatherer, connector string) int {
	families, err := reg.Gather()
	if err != nil {
		return 0
	}
	n := 0.0
	for _, f := range families {
		if f.GetName() != "nayose_sync_records_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			var conn, outcome string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "connector":
					conn = l.GetValue()
				case "outcome":
					outcome = l.GetValue()
				}
			}
			if conn == connector && outcome == "read" {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return int(n)
}

// demoSummary is what the unified tables say after a sync.
type demoSummary struct {
	people                int   // in the generated world, known to some tool
	identities, customers int64 // source records, and the people they resolved to
	multiSource           int64 // customers known to two tools or more
	review                int   // pairs of customers that may be one person
	activities            int64
	bySource              []sourceCount
	stages, segments      []labelCount
	netSales              []labelCount // by currency
	// accuracy is identity resolution scored against the shop's truth:
	// of the pairs of records resolved together, how many are one
	// person (precision), and of the pairs that are one person, how many
	// were resolved together (recall).
	accuracy eval.Scores
}

type sourceCount struct {
	Source     string
	Identities int64
	Activities int64
}

type labelCount struct {
	Label string
	N     int64
}

func summarize(ctx context.Context, db *store.DB, shop *demo.Shop) (*demoSummary, error) {
	g := db.Gorm.WithContext(ctx)
	s := &demoSummary{people: shop.People()}
	var records []store.Identity
	var reviewPairs []struct{ A, B int64 }
	var ids, acts []labelCount
	steps := []error{
		g.Model(&store.Identity{}).Count(&s.identities).Error,
		g.Model(&store.Customer{}).Count(&s.customers).Error,
		g.Model(&store.Activity{}).Count(&s.activities).Error,
		g.Table("(?) m", g.Model(&store.Identity{}).Select("customer_id").Group("customer_id").Having("COUNT(DISTINCT source) > 1")).Count(&s.multiSource).Error,
		g.Model(&store.Identity{}).Select("source AS label, COUNT(*) AS n").Group("source").Scan(&ids).Error,
		g.Model(&store.Activity{}).Select("source AS label, COUNT(*) AS n").Group("source").Scan(&acts).Error,
		g.Model(&store.Customer{}).Select("lifecycle_stage AS label, COUNT(*) AS n").Group("lifecycle_stage").Order("n DESC").Scan(&s.stages).Error,
		g.Model(&store.Customer{}).Select("rfm_segment AS label, COUNT(*) AS n").Where("rfm_segment <> ''").Group("rfm_segment").Order("n DESC").Scan(&s.segments).Error,
		g.Select("source, external_id, customer_id").Find(&records).Error,
		g.Table("match_reviews r").Select("a.customer_id AS a, b.customer_id AS b").
			Joins("JOIN customer_identities a ON a.id = r.identity_a").
			Joins("JOIN customer_identities b ON b.id = r.identity_b").
			Where("a.customer_id <> b.customer_id").Scan(&reviewPairs).Error,
		g.Model(&store.Customer{}).Select("currency AS label, SUM(net_sales) AS n").Where("currency <> ''").Group("currency").Order("n DESC").Scan(&s.netSales).Error,
	}
	if err := errors.Join(steps...); err != nil {
		return nil, fmt.Errorf("summarizing the tables: %w", err)
	}
	counts := map[string]*sourceCount{}
	for _, c := range ids {
		counts[c.Label] = &sourceCount{Source: c.Label, Identities: c.N}
	}
	for _, c := range acts {
		if counts[c.Label] == nil {
			counts[c.Label] = &sourceCount{Source: c.Label}
		}
		counts[c.Label].Activities = c.N
	}
	for _, c := range counts {
		s.bySource = append(s.bySource, *c)
	}
	slices.SortFunc(s.bySource, func(a, b sourceCount) int { return strings.Compare(a.Source, b.Source) })
	pairs := map[[2]int64]bool{}
	for _, p := range reviewPairs {
		pairs[[2]int64{min(p.A, p.B), max(p.A, p.B)}] = true
	}
	s.review = len(pairs)
	owners := shop.Owners()
	truth, predicted := make([]string, len(records)), make([]string, len(records))
	for i, r := range records {
		if person, ok := owners[r.Source][r.ExternalID]; ok {
			truth[i] = strconv.Itoa(person)
		}
		predicted[i] = strconv.FormatInt(r.CustomerID, 10)
	}
	s.accuracy = eval.Pairwise(truth, predicted)
	return s, nil
}

func (s *demoSummary) print(w io.Writer) {
	fmt.Fprintln(w, "Records per source:")
	for _, c := range s.bySource {
		fmt.Fprintf(w, "  %-22s %7s people records  %8s activities\n", c.Source, thousands(c.Identities), thousands(c.Activities))
	}
	fmt.Fprintf(w, "Customers: %s source records resolved into %s customers (the shop has %s real people);\n",
		thousands(s.identities), thousands(s.customers), thousands(int64(s.people)))
	fmt.Fprintf(w, "  %s customers are known to two tools or more, with %s activities in all.\n", thousands(s.multiSource), thousands(s.activities))
	fmt.Fprintf(w, "  Against the shop's truth: precision %.3f, recall %.3f (pairs of records put together / that belong together).\n",
		s.accuracy.Precision, s.accuracy.Recall)
	if s.review > 0 {
		fmt.Fprintf(w, "  %s pairs of customers may be one person but lack the evidence to merge on their own: `nayose review` shows them.\n", thousands(int64(s.review)))
	}
	fmt.Fprintf(w, "Stages:   %s\n", joinCounts(s.stages))
	fmt.Fprintf(w, "Segments: %s\n", joinCounts(s.segments))
	for _, c := range s.netSales {
		fmt.Fprintf(w, "Net sales: %s\n", notify.Money(c.N, c.Label))
	}
}

func thousands(n int64) string { return groupThousands(strconv.FormatInt(n, 10)) }

func joinCounts(cs []labelCount) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s %s", c.Label, thousands(c.N))
	}
	return strings.Join(parts, " · ")
}

// writeDemoConfig writes the demo's configuration: its connectors, fast
// schedules so that a few minutes show what a day would, customers lapse
// by their own rhythm, and alerts on the console (and Slack by webhook
// when the variable is set: the file names the variable, not the URL).
func writeDemoConfig(path string, w *demo.World, sources []demo.Source, conns []demo.Connector, webhook bool, listen string) error {
	notify := map[string]any{"console": true, "every": "2s", "batch_over": 5,
		"rules": map[string]any{"dormant": map[string]any{"schedule": "@every 1m"}}}
	if webhook {
		notify["slack"] = map[string]any{"webhook_url": "${" + demoWebhookEnv + "}"}
	}
	cfg := struct {
		Timezone   string           `yaml:"timezone"`
		Log        map[string]any   `yaml:"log"`
		HTTP       map[string]any   `yaml:"http"`
		Mapping    map[string]any   `yaml:"mapping"`
		Metrics    map[string]any   `yaml:"metrics"`
		Notify     map[string]any   `yaml:"notify"`
		Connectors []demo.Connector `yaml:"connectors"`
	}{
		Timezone: "Asia/Tokyo",
		Log:      map[string]any{"level": "warn"},
		HTTP:     map[string]any{"listen": listen},
		// Names as the register has them (kanji) before the ones people
		// type into forms (often romaji).
		Mapping:    map[string]any{"source_priority": demo.Names(sources)},
		Metrics:    map[string]any{"rhythm_factor": w.RhythmFactor, "rhythm_min_purchases": 4, "refresh": "@every 1m"},
		Notify:     notify,
		Connectors: conns,
	}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("writing the demo configuration: %w", err)
	}
	head := "# Written by `nayose demo`: the connectors read the fake vendors it runs on\n# loopback ports, so this file only works while the demo runs.\n# The data goes to nayose.db (SQLite) beside it, as no database is configured.\n"
	return os.WriteFile(path, append([]byte(head), data...), 0o644)
}

// resetDemoDir makes dir and removes what an earlier demo left in it.
func resetDemoDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo directory: %w", err)
	}
	for _, name := range []string{"nayose.yaml", "nayose.db", "nayose.db-wal", "nayose.db-shm", "exports"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("demo directory: %w", err)
		}
	}
	return nil
}

// lockedWriter lets the daemon's alerts, the shop and progress share
// standard output line by line.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
