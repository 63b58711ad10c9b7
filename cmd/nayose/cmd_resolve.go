package main

import (
	"context"
	stdcsv "encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nayose/nayose/config"
	csvconn "github.com/nayose/nayose/connectors/csv"
	"github.com/nayose/nayose/mapping/resolve"
	"github.com/nayose/nayose/mapping/resolve/eval"
)

// resolveOptions are the flags of `nayose resolve`.
type resolveOptions struct {
	in, out, reviews string
	encoding         string
	region           string
	truth            string
	learn            bool
	autoMerge        float64
	review           float64
}

func setupResolve(fs *flag.FlagSet, o *cmdOptions) {
	r := &o.resolve
	fs.StringVar(&r.in, "in", "", "records `FILE` (CSV with a header; UTF-8 or Shift_JIS); - for standard input")
	fs.StringVar(&r.out, "out", "-", "clusters `FILE` (CSV); - for standard output")
	fs.StringVar(&r.reviews, "reviews", "", "also write the pairs left for a person to review to `FILE` (CSV)")
	fs.StringVar(&r.encoding, "encoding", "auto", "input encoding: auto, utf-8 or shift_jis")
	fs.StringVar(&r.region, "region", "JP", "ISO 3166 country for phone numbers written without a country code")
	fs.StringVar(&r.truth, "truth", "", "score the result against this input `COLUMN` of true person ids (pairwise precision, recall, F1)")
	fs.BoolVar(&r.learn, "learn", false, "fit the match weights to this input with EM before resolving, and print them")
	fs.Float64Var(&r.autoMerge, "auto-merge", resolve.DefaultAutoMerge, "merge pairs scoring at least this many `bits`")
	fs.Float64Var(&r.review, "review", resolve.DefaultReview, "list pairs scoring at least this many `bits` (and below -auto-merge) for review")
}

// resolveColumns are the canonical input columns.
var resolveColumns = []string{"record_id", "source", "full_name", "family_name", "given_name", "name_kana", "email", "phone", "birthday", "postal_code", "address", "company"}

// cmdResolve resolves a CSV of records into clusters, with no database and
// no configuration.
func cmdResolve(ctx context.Context, env *cmdEnv, args []string) error {
	o := env.opts.resolve
	if len(args) > 0 {
		return usageError("resolve takes no arguments (use --in FILE)")
	}
	if o.in == "" {
		return usageError("--in FILE is required: the records to resolve")
	}
	if len(o.region) != 2 {
		return usageError(fmt.Sprintf("--region %q is not a two-letter country code (like JP or US)", o.region))
	}
	if o.review > o.autoMerge {
		return usageError(fmt.Sprintf("--review (%g) must not be above --auto-merge (%g)", o.review, o.autoMerge))
	}
	if env.getenv("GOMEMLIMIT") == "" {
		// A batch job: keep the heap near what it needs rather than
		// letting the collector double it (see resolve.DefaultMemoryLimit).
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(resolve.DefaultMemoryLimit))
	}
	input, err := readResolveInput(o.in, o.encoding, o.truth)
	if err != nil {
		return err
	}
	for _, p := range input.problems {
		fmt.Fprintf(env.stderr, "nayose resolve: %s (row skipped)\n", p)
	}
	if len(input.ignored) > 0 {
		fmt.Fprintf(env.stderr, "nayose resolve: ignoring columns %s\n", strings.Join(input.ignored, ", "))
	}

	opts := resolve.Options{Region: strings.ToUpper(o.region), AutoMerge: o.autoMerge, Review: o.review}
	if o.learn {
		model, stats, err := resolve.Learn(input.records, resolve.DefaultModel(), opts)
		if err != nil {
			return fmt.Errorf("learning weights: %w", err)
		}
		w := model.Weights()
		opts.Weights = &w
		fmt.Fprintf(env.stderr, "learned weights from %d pairs in %d EM iterations (match share %.3f):\n%s",
			stats.Pairs, stats.Iterations, stats.MatchShare, w)
	}
	start := time.Now()
	res, err := resolve.Resolve(resolve.Input{Records: input.records}, opts)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeOutput(o.out, env.stdout, func(w io.Writer) error { return writeClusters(w, input.records, res) }); err != nil {
		return err
	}
	if o.reviews != "" {
		if err := writeOutput(o.reviews, env.stdout, func(w io.Writer) error { return writeReviews(w, input.records, res) }); err != nil {
			return err
		}
	}
	clusters, merged := 0, 0
	for i, c := range res.Cluster {
		if c == i {
			clusters++
		}
	}
	merged = len(res.Cluster) - clusters
	fmt.Fprintf(env.stderr, "%s -> %s (%s folded in); %s for review; %s compared in %s\n",
		plural(len(input.records), "record", "records"), plural(clusters, "person", "people"),
		plural(merged, "record", "records"), plural(len(res.Reviews), "pair", "pairs"),
		plural(res.Compared, "pair", "pairs"), took.Round(time.Millisecond))
	if o.truth != "" {
		predicted := make([]string, len(res.Cluster))
		for i, c := range res.Cluster {
			predicted[i] = input.records[c].Key
		}
		s := eval.Pairwise(input.truth, predicted)
		bp, br, bf := eval.BCubed(input.truth, predicted)
		fmt.Fprintf(env.stderr, "against %q: pairwise precision %.4f recall %.4f F1 %.4f (%d true pairs, %d found, %d right); B-cubed precision %.4f recall %.4f F1 %.4f\n",
			o.truth, s.Precision, s.Recall, s.F1, s.TruePairs, s.PredictedPairs, s.TP, bp, br, bf)
	}
	return nil
}

// resolveInput is a records file read for resolving.
type resolveInput struct {
	records  []resolve.Record
	truth    []string
	problems []string // rows skipped, with where and why
	ignored  []string // columns that are not canonical
}

func readResolveInput(path, encoding, truthColumn string) (*resolveInput, error) {
	var src io.Reader = os.Stdin
	name := "standard input"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		src, name = f, path
	}
	text, _, err := csvconn.Decode(src, encoding)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cr := stdcsv.NewReader(text)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: the file is empty; expected a header row with at least record_id", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	in := &resolveInput{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("%s:1:%d: column %q appears twice", name, i+1, h)
		}
		col[h] = i
		if !slices.Contains(resolveColumns, h) && h != truthColumn {
			in.ignored = append(in.ignored, h)
		}
	}
	if _, ok := col["record_id"]; !ok {
		return nil, fmt.Errorf("%s:1: the header has no record_id column; canonical columns are %s", name, strings.Join(resolveColumns, ", "))
	}
	if _, ok := col[truthColumn]; truthColumn != "" && !ok {
		return nil, fmt.Errorf("%s:1: the header has no %q column for --truth", name, truthColumn)
	}
	seen := map[string]int{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *stdcsv.ParseError
			if errors.As(err, &pe) && pe.Err == stdcsv.ErrFieldCount {
				// Cannot happen with FieldsPerRecord -1; kept for clarity.
				continue
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		id := get("record_id")
		switch prev, dup := seen[id]; {
		case id == "":
			in.problems = append(in.problems, fmt.Sprintf("%s:%d:%d: record_id is empty", name, line, col["record_id"]+1))
			continue
		case dup:
			in.problems = append(in.problems, fmt.Sprintf("%s:%d:%d: record_id %q was already used on line %d", name, line, col["record_id"]+1, id, prev))
			continue
		}
		seen[id] = line
		in.records = append(in.records, resolve.Record{
			Key: id, Source: get("source"),
			FullName: get("full_name"), FamilyName: get("family_name"), GivenName: get("given_name"), NameKana: get("name_kana"),
			Emails: splitList(get("email"), ";,"), Phones: splitList(get("phone"), ";"),
			Birthday: get("birthday"), PostalCode: get("postal_code"), Address: get("address"), Company: get("company"),
		})
		if truthColumn != "" {
			in.truth = append(in.truth, get(truthColumn))
		}
	}
	return in, nil
}

// splitList splits a cell holding several values ("a@x.jp; b@y.jp").
func splitList(s, seps string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" {
		return write(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

// writeClusters writes record_id, cluster_id and, for a record merged with
// others, the rule and score of the strongest link that holds it.
func writeClusters(w io.Writer, recs []resolve.Record, res *resolve.Result) error {
	best := make([]int, len(recs))
	for i := range best {
		best[i] = -1
	}
	for li, l := range res.Links {
		for _, r := range []int{l.A, l.B} {
			if b := best[r]; b < 0 || l.Rule == resolve.RuleManual || (res.Links[b].Rule != resolve.RuleManual && l.Score > res.Links[b].Score) {
				best[r] = li
			}
		}
	}
	cw := stdcsv.NewWriter(w)
	_ = cw.Write([]string{"record_id", "cluster_id", "rule", "score"})
	for i, r := range recs {
		row := []string{r.Key, recs[res.Cluster[i]].Key, "", ""}
		if b := best[i]; b >= 0 {
			row[2] = res.Links[b].Rule
			if res.Links[b].Rule != resolve.RuleManual {
				row[3] = strconv.FormatFloat(res.Links[b].Score, 'f', 1, 64)
			}
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// writeReviews writes the pairs left apart for a person to look at.
func writeReviews(w io.Writer, recs []resolve.Record, res *resolve.Result) error {
	cw := stdcsv.NewWriter(w)
	_ = cw.Write([]string{"record_a", "record_b", "score", "kept_apart_because", "evidence"})
	for _, l := range res.Reviews {
		why := "below the auto-merge score"
		if c := l.Conflict(); c != "" {
			why = c
		}
		_ = cw.Write([]string{recs[l.A].Key, recs[l.B].Key, strconv.FormatFloat(l.Score, 'f', 1, 64), why, evidenceText(res.Evidence(l))})
	}
	cw.Flush()
	return cw.Error()
}

// evidenceText says field by field how a pair compared: "email exact +10.7".
func evidenceText(ev []resolve.FieldEvidence) string {
	parts := make([]string, len(ev))
	for i, e := range ev {
		parts[i] = fmt.Sprintf("%s %s %+.1f", e.Field, e.Level, e.Weight)
	}
	return strings.Join(parts, "; ")
}

// usageError is a mistake in how a command was called (exit code 2).
func usageError(msg string) error { return &usageErr{msg} }

type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

// configuredResolve returns the configured identity-resolution settings.
func configuredResolve(cfg *config.Config) resolve.Options {
	w := cfg.Mapping.ResolveWeights()
	return resolve.Options{
		Region:    cfg.Mapping.DefaultRegion,
		Weights:   &w,
		AutoMerge: cfg.Mapping.AutoMergeScore,
		Review:    cfg.Mapping.ReviewScore,
		MaxShared: cfg.Mapping.MaxShared,
	}
}
