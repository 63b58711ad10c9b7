package eval

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
)

// Row is one customer record as a source exports it, with its ground truth.
// Every field is text as written; empty means the source did not give it.
type Row struct {
	RecordID, Source                 string
	FullName, FamilyName, GivenName  string
	NameKana, Email, Phone, Birthday string
	PostalCode, Address, Company     string
	// Truth is the id of the person the record belongs to: two records are
	// the same person if and only if their Truth is equal.
	Truth string
	// Case names the variation or hard case the record exercises
	// ("romaji", "household", "namesake", "maiden_name", …), or "" for a
	// plain record. See JapaneseCases.
	Case string
}

// Header is the header row of a labelled CSV file, in the order WriteCSV
// writes it.
var Header = []string{"record_id", "source", "full_name", "family_name", "given_name", "name_kana", "email", "phone", "birthday", "postal_code", "address", "company", "truth", "case"}

// fields returns pointers to r's fields in Header order.
func (r *Row) fields() [14]*string {
	return [14]*string{&r.RecordID, &r.Source, &r.FullName, &r.FamilyName, &r.GivenName, &r.NameKana, &r.Email, &r.Phone, &r.Birthday, &r.PostalCode, &r.Address, &r.Company, &r.Truth, &r.Case}
}

// WriteCSV writes rows as UTF-8 CSV with Header as the first line.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return fmt.Errorf("writing header: %w", err)
	}
	rec := make([]string, len(Header))
	for i := range rows {
		for j, f := range rows[i].fields() {
			rec[j] = *f
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("writing row %d (%s): %w", i+1, rows[i].RecordID, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing csv: %w", err)
	}
	return nil
}

// WriteCSVShiftJIS writes rows like WriteCSV but in Shift_JIS (Windows-31J,
// code page 932), the encoding Japanese spreadsheets and older business
// tools read and write. As Windows does, the characters that JIS and
// Microsoft map differently are written as their code page 932 forms
// (− as －, 〜 as ～, ‖ as ∥, — as ―, ¢ £ ¬ ¥ as ￠ ￡ ￢ ￥), and characters
// Windows-31J cannot hold at all (𠮷, emoji) as "?", which is what such
// tools do to them; reading the file back therefore need not give rows.
func WriteCSVShiftJIS(w io.Writer, rows []Row) error {
	sub := &subToQuestion{w: w}
	tw := transform.NewWriter(sub, transform.Chain(
		runes.Map(func(r rune) rune {
			if f, ok := cp932Forms[r]; ok {
				return f
			}
			return r
		}),
		encoding.ReplaceUnsupported(japanese.ShiftJIS.NewEncoder())))
	if err := WriteCSV(tw, rows); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("encoding Shift_JIS: %w", err)
	}
	return nil
}

// cp932Forms maps characters to the code page 932 character that Windows
// writes for them.
var cp932Forms = map[rune]rune{
	'\u2212': '－', // MINUS SIGN
	'\u301C': '～', // WAVE DASH
	'\u2016': '∥', // DOUBLE VERTICAL LINE
	'\u2014': '―', // EM DASH
	'\u00A2': '￠',
	'\u00A3': '￡',
	'\u00AC': '￢',
	'\u00A5': '￥',
}

// subToQuestion writes the SUB byte (0x1A) that x/text's encoders put for
// an unencodable character as "?". 0x1A is never part of a Shift_JIS
// two-byte character, so the swap is safe.
type subToQuestion struct{ w io.Writer }

func (s *subToQuestion) Write(p []byte) (int, error) {
	if bytes.IndexByte(p, 0x1A) >= 0 {
		p = bytes.ReplaceAll(p, []byte{0x1A}, []byte{'?'})
	}
	return s.w.Write(p)
}

// ReadCSV reads a labelled CSV file as WriteCSV writes it. Columns are
// found by their Header name in any order; a leading UTF-8 byte order mark
// is ignored, and so are columns not in Header. Every Header column must be
// present exactly once.
func ReadCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("reading header: empty file")
	}
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	col := make(map[string]int, len(head))
	for i, h := range head {
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("header: column %q appears twice", h)
		}
		col[h] = i
	}
	idx := make([]int, len(Header))
	var missing []string
	for j, h := range Header {
		i, ok := col[h]
		if !ok {
			missing = append(missing, h)
		}
		idx[j] = i
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("header: missing column(s) %s", strings.Join(missing, ", "))
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading rows: %w", err)
		}
		var row Row
		for j, f := range row.fields() {
			*f = rec[idx[j]]
		}
		rows = append(rows, row)
	}
}
