package csv

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	stdcsv "encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// stream reads one file as pages of records.
type stream struct {
	name     string
	spec     spec
	pageSize int
	loc      *time.Location
	log      *slog.Logger
	// convert turns one data row into a record or a reject on the page.
	convert func(s *stream, r *row, pg *connectors.Page)
}

var _ connectors.Stream = (*stream)(nil)

// Name returns "customers" or "purchases".
func (s *stream) Name() string { return s.name }

// cursor is the stream position the engine saves after each page. It ties
// the position to the file's content: a row number means nothing in another
// version of the file.
type cursor struct {
	// SHA256 is the hash of the whole file, hex.
	SHA256 string `json:"sha256"`
	// Row is the last data row (1 is the row after the header) the page
	// includes.
	Row int `json:"row"`
	// Done says the page ended the file: a run with this cursor and an
	// unchanged file has nothing to read.
	Done bool `json:"done"`
}

func (c cursor) String() string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("csv: encoding cursor: %v", err)) // a struct of a string, an int and a bool
	}
	return string(b)
}

// Pages reads the file as pages of at most page_size rows each.
//
// The file is opened once: it is hashed, then read from the same open file,
// so a file replaced during the run cannot mix two versions. When cursor
// holds the same hash and says done, the file has not changed since the last
// committed run and nothing is yielded. When it holds the same hash but is
// not done, the previous run stopped midway and reading resumes after the
// row it names. A different hash means a new file, read from the start; the
// engine's upserts make re-reading rows harmless. The last page, possibly
// empty, carries a cursor that says done.
func (s *stream) Pages(ctx context.Context, cur string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		if err := s.read(ctx, cur, yield); err != nil {
			yield(connectors.Page{}, fmt.Errorf("reading %s: %w", s.spec.configured, err))
		}
	}
}

// read does the work of Pages. It returns nil once yield has said stop, and
// the error the sequence should end with otherwise.
func (s *stream) read(ctx context.Context, curText string, yield func(connectors.Page, error) bool) error {
	var prev cursor
	if curText != "" {
		if err := json.Unmarshal([]byte(curText), &prev); err != nil {
			// Reading from the start is always safe; a cursor this package
			// did not write is no reason to stop the connector.
			s.log.Warn("cursor is not one this connector wrote; reading the file from the start",
				"path", s.spec.configured, "cursor", curText, "error", err)
			prev = cursor{}
		}
	}

	f, err := os.Open(s.spec.path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		return fmt.Errorf("hashing: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	skip := 0
	if prev.SHA256 == sum {
		if prev.Done {
			s.log.Info("file unchanged since the last run; skipped", "path", s.spec.configured, "rows", prev.Row)
			return nil
		}
		skip = prev.Row
		s.log.Info("resuming after the last committed row", "path", s.spec.configured, "row", skip)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewinding after hashing: %w", err)
	}

	text, checkUTF8, err := decode(ctxReader{ctx, f}, s.spec.encoding)
	if err != nil {
		return err
	}
	cr := stdcsv.NewReader(text)
	cr.Comma = s.spec.comma
	cr.FieldsPerRecord = -1 // a row of the wrong width is a reject, not the end
	cr.ReuseRecord = true

	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("the file is empty; expected a header row naming the columns")
	case err != nil:
		return csvError(err)
	}
	lay, err := s.layout(header)
	if err != nil {
		return err
	}

	var (
		page = connectors.Page{}
		seen = map[string]int{} // id -> line of its first row
		n    int                // data rows read
	)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// Keep what was read before the broken row: the next run
			// resumes there and stops at the same place until the file is
			// fixed, when its new hash starts it over.
			if page.Len() > 0 {
				page.Cursor = cursor{SHA256: sum, Row: n}.String()
				if !yield(page, nil) {
					return nil
				}
			}
			return csvError(err)
		}
		n++
		line, _ := cr.FieldPos(0)
		r := &row{line: line, fields: fields, lay: lay}
		r.id = r.value(lay.idIdx)
		var firstLine int
		dup := false
		if r.id != "" {
			// Ids are claimed by rows that are skipped on resume too, so
			// a duplicate is found whichever run reads it.
			if firstLine, dup = seen[r.id]; !dup {
				seen[r.id] = line
			}
		}
		if n <= skip {
			continue
		}
		if r.blank() {
			// Spreadsheets export formatted but empty rows as ",,,,":
			// not a record, and not worth a reject.
			continue
		}
		if page.Len() >= s.pageSize {
			// Another row exists, so this page is not the last.
			page.Cursor = cursor{SHA256: sum, Row: n - 1}.String()
			if !yield(page, nil) {
				return nil
			}
			page = connectors.Page{}
		}
		switch {
		case len(fields) != len(lay.header):
			page.Rejects = append(page.Rejects, s.reject(r, fmt.Sprintf("the row has %d fields, the header has %d", len(fields), len(lay.header))))
		case checkUTF8 && !r.validUTF8():
			page.Rejects = append(page.Rejects, s.reject(r, "the row is not valid UTF-8 text (if the file is Shift_JIS, set encoding: shift_jis)"))
		case r.id == "":
			page.Rejects = append(page.Rejects, s.reject(r, "no "+lay.header[lay.idIdx]))
		case dup:
			page.Rejects = append(page.Rejects, s.reject(r, fmt.Sprintf("%s %q is already on line %d", lay.header[lay.idIdx], r.id, firstLine)))
		default:
			s.convert(s, r, &page)
		}
	}
	page.Cursor = cursor{SHA256: sum, Row: n, Done: true}.String()
	yield(page, nil)
	return nil
}

// csvError describes a syntax error that stops the reader, with the line
// and column where it is.
func csvError(err error) error {
	var pe *stdcsv.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	if pe.StartLine != pe.Line {
		return fmt.Errorf("line %d, column %d, in the row starting on line %d: %w", pe.Line, pe.Column, pe.StartLine, pe.Err)
	}
	return fmt.Errorf("line %d, column %d: %w", pe.Line, pe.Column, pe.Err)
}

// layout is where the configured columns are in a file's header.
type layout struct {
	header      []string
	idIdx       int
	customerIdx int // -1 when not configured
	// mapped are the columns mapped to fields, in header order.
	mapped []column
}

type column struct {
	idx    int
	header string
	field  string
}

// layout reads the header: names are trimmed, a BOM left on the first is
// dropped, a name may appear once, and every configured column must be
// there. Configured names match header names exactly or, failing that, in
// NFKC form, so that ﾌﾘｶﾞﾅ in the file finds フリガナ in the configuration.
func (s *stream) layout(raw []string) (*layout, error) {
	header := make([]string, len(raw))
	exact := map[string]int{}
	folded := map[string][]int{}
	for i, h := range raw {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF")
		}
		h = strings.TrimSpace(h)
		header[i] = h
		if h == "" {
			continue
		}
		if j, dup := exact[h]; dup {
			return nil, fmt.Errorf("the header names %q twice, in columns %d and %d; give each column its own name", h, j+1, i+1)
		}
		exact[h] = i
		k := norm.NFKC.String(h)
		folded[k] = append(folded[k], i)
	}
	find := func(name string) int {
		if i, ok := exact[name]; ok {
			return i
		}
		if is := folded[norm.NFKC.String(name)]; len(is) == 1 {
			return is[0]
		}
		return -1
	}

	lay := &layout{header: header, customerIdx: -1}
	var missing []string
	if lay.idIdx = find(s.spec.idColumn); lay.idIdx < 0 {
		missing = append(missing, s.spec.idColumn)
	}
	if name := s.spec.customerColumn; name != "" {
		if lay.customerIdx = find(name); lay.customerIdx < 0 {
			missing = append(missing, name)
		}
	}
	names := make([]string, 0, len(s.spec.columns))
	for name := range s.spec.columns {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		i := find(name)
		if i < 0 {
			missing = append(missing, name)
			continue
		}
		lay.mapped = append(lay.mapped, column{idx: i, header: header[i], field: s.spec.columns[name]})
	}
	if len(missing) > 0 {
		return nil, missingColumns(missing, header)
	}
	slices.SortFunc(lay.mapped, func(a, b column) int { return a.idx - b.idx })
	return lay, nil
}

// missingColumns says which configured columns the header lacks, suggests
// the nearest names, and lists what the header has.
func missingColumns(missing, header []string) error {
	present := slices.DeleteFunc(slices.Clone(header), func(h string) bool { return h == "" })
	var b strings.Builder
	for i, name := range missing {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "the header has no column %q", name)
		if best, ok := config.Closest(name, present); ok {
			fmt.Fprintf(&b, " (did you mean %q?)", best)
		}
	}
	fmt.Fprintf(&b, "; the columns are: %s", strings.Join(present, ", "))
	return errors.New(b.String())
}

// row is one data row being read.
type row struct {
	// line is the row's physical line in the file; the header is line 1.
	line   int
	fields []string
	lay    *layout
	id     string
}

// value returns field i trimmed, or "" when the row is too short.
func (r *row) value(i int) string {
	if i < 0 || i >= len(r.fields) {
		return ""
	}
	return strings.TrimSpace(r.fields[i])
}

// blank reports whether every field of the row is blank.
func (r *row) blank() bool {
	for _, f := range r.fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func (r *row) validUTF8() bool {
	for _, f := range r.fields {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}

// raw returns the row as a JSON object of header name to value, in the
// file's column order. Columns without a header name, and fields past the
// header's end, are named "column N".
func (r *row) raw() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, v := range r.fields {
		if i > 0 {
			b.WriteByte(',')
		}
		key := ""
		if i < len(r.lay.header) {
			key = r.lay.header[i]
		}
		if key == "" {
			key = fmt.Sprintf("column %d", i+1)
		}
		writeJSONString(&b, key)
		b.WriteByte(':')
		writeJSONString(&b, v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("csv: encoding a string as JSON: %v", err)) // strings always encode
	}
	b.Write(enc)
}

// reject rejects the whole row.
func (s *stream) reject(r *row, reason string) connectors.Reject {
	return connectors.Reject{
		ExternalID: r.id,
		Location:   fmt.Sprintf("%s:%d", s.spec.configured, r.line),
		Reason:     reason,
		Raw:        r.raw(),
	}
}

// fieldProblem is a value in a row that cannot be read.
type fieldProblem struct {
	col    column
	reason string
}

// rejectFields rejects a row for the values in it that cannot be read. The
// first names the Field and the column in Location; any others are added
// to the Reason.
func (s *stream) rejectFields(r *row, ps []fieldProblem) connectors.Reject {
	slices.SortStableFunc(ps, func(a, b fieldProblem) int { return a.col.idx - b.col.idx })
	first := ps[0]
	reason := first.reason
	for _, p := range ps[1:] {
		reason += fmt.Sprintf("; also %s (column %d): %s", p.col.header, p.col.idx+1, p.reason)
	}
	return connectors.Reject{
		ExternalID: r.id,
		Location:   fmt.Sprintf("%s:%d:%d", s.spec.configured, r.line, first.col.idx+1),
		Field:      first.col.header,
		Reason:     reason,
		Raw:        r.raw(),
	}
}

// Decode returns text read from r as UTF-8, the way this connector reads
// files: encoding "" or "auto" detects a BOM, UTF-8 or Shift_JIS (CP932)
// from the first 64 KiB; "utf-8" or "shift_jis" (and their aliases) force
// one. The second result says whether rows still need a UTF-8 check.
func Decode(r io.Reader, encodingName string) (io.Reader, bool, error) {
	enc, ok := parseEncoding(encodingName)
	if !ok {
		return nil, false, fmt.Errorf("unknown encoding %q (use utf-8, shift_jis or auto)", encodingName)
	}
	return decode(r, enc)
}

// decode returns the file's text as UTF-8 and whether rows still need a
// UTF-8 check: auto detection looks at the first 64 KiB only.
func decode(r io.Reader, enc encoding) (io.Reader, bool, error) {
	const sniffSize = 64 << 10
	br := bufio.NewReaderSize(r, sniffSize)
	bom := []byte("\xEF\xBB\xBF")
	if enc == encShiftJIS {
		return transform.NewReader(br, japanese.ShiftJIS.NewDecoder()), false, nil
	}
	sniff, err := br.Peek(sniffSize)
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, bufio.ErrBufferFull), err == nil:
	default:
		return nil, false, err
	}
	if bytes.HasPrefix(sniff, bom) {
		_, _ = br.Discard(len(bom)) // buffered by Peek, so it cannot fail
		return br, true, nil
	}
	if enc == encUTF8 || utf8.Valid(trimPartialRune(sniff, len(sniff) == sniffSize)) {
		return br, true, nil
	}
	return transform.NewReader(br, japanese.ShiftJIS.NewDecoder()), false, nil
}

// trimPartialRune drops a UTF-8 sequence cut short at the end of a sniff
// that stopped before the end of the file.
func trimPartialRune(b []byte, cut bool) []byte {
	if !cut {
		return b
	}
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// ctxReader stops reading once ctx is done, so hashing or parsing a large
// file returns promptly on cancellation.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
