// Package csv is the connector for customer lists and sales ledgers exported
// as CSV or TSV files, the shape most small businesses' data is in before any
// SaaS: the old Excel workbook, a POS's monthly export, an accounting
// package's report. It reads UTF-8 (with or without a BOM) and Shift_JIS
// (CP932), maps columns to nayose's fields by their header names, and skips
// a file that has not changed since the last committed run.
//
// Register links it into a connectors.Registry under the type name "csv";
// README.md documents the options and sample.yaml shows them.
package csv

import (
	_ "embed"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/mapping"
)

// TypeName is the `type:` that selects this connector.
const TypeName = "csv"

// DefaultPageSize is how many rows go into one page unless page_size says
// otherwise.
const DefaultPageSize = 1000

//go:embed sample.yaml
var sampleConfig string

// SampleConfig returns sample.yaml: a configuration using every option,
// which README.md shows and a test loads, so the two cannot drift.
func SampleConfig() string { return sampleConfig }

// Options is the connector's `options:` block. Its yaml tags are the keys
// the block allows.
type Options struct {
	// PageSize is how many rows (records and rejects) go into one page,
	// committed with its cursor in one transaction. Default 1000.
	PageSize int `yaml:"page_size"`
	// Customers is the file of people, read as the "customers" stream.
	Customers *CustomersFile `yaml:"customers"`
	// Purchases is the file of sales, read as the "purchases" stream after
	// customers.
	Purchases *PurchasesFile `yaml:"purchases"`
}

// CustomersFile describes a file with one person per row.
type CustomersFile struct {
	// Path is the file, relative to the configuration file's directory.
	Path string `yaml:"path"`
	// IDColumn is the header of the column holding the person's id in the
	// source (顧客番号); rows without it are rejected.
	IDColumn string `yaml:"id_column"`
	// Encoding is auto (the default), utf-8 or shift_jis.
	Encoding string `yaml:"encoding"`
	// Delimiter separates fields: "," (the default), or "\t" for TSV.
	Delimiter string `yaml:"delimiter"`
	// Columns maps a header name to a customer field: full_name,
	// family_name, given_name, name_kana, email, phone, birthday,
	// postal_code, address, company, updated_at, marketing_consent. Several
	// columns may map to email or to phone.
	Columns map[string]string `yaml:"columns"`
}

// PurchasesFile describes a file with one sale (or return) per row.
type PurchasesFile struct {
	// Path is the file, relative to the configuration file's directory.
	Path string `yaml:"path"`
	// IDColumn is the header of the column holding the slip number (伝票番号).
	IDColumn string `yaml:"id_column"`
	// CustomerColumn is the header of the column holding the customer's id,
	// as in the customers file's id column. A blank value there is an
	// anonymous sale. Optional.
	CustomerColumn string `yaml:"customer_column"`
	// Encoding is auto (the default), utf-8 or shift_jis.
	Encoding string `yaml:"encoding"`
	// Delimiter separates fields: "," (the default), or "\t" for TSV.
	Delimiter string `yaml:"delimiter"`
	// Columns maps a header name to a purchase field: occurred_at
	// (required), amount, summary, currency.
	Columns map[string]string `yaml:"columns"`
	// Currency is the ISO 4217 code of amounts, unless a column mapped to
	// currency says otherwise on a row. Default JPY.
	Currency string `yaml:"currency"`
}

// customerFields are the fields a customers column may map to. Only email
// and phone may be mapped from several columns.
var customerFields = []string{
	fieldFullName, fieldFamilyName, fieldGivenName, fieldNameKana, fieldEmail, fieldPhone,
	fieldBirthday, fieldPostalCode, fieldAddress, fieldCompany, fieldUpdatedAt, fieldConsent,
}

// purchaseFields are the fields a purchases column may map to.
var purchaseFields = []string{fieldOccurredAt, fieldAmount, fieldSummary, fieldCurrency}

const (
	fieldFullName   = "full_name"
	fieldFamilyName = "family_name"
	fieldGivenName  = "given_name"
	fieldNameKana   = "name_kana"
	fieldEmail      = "email"
	fieldPhone      = "phone"
	fieldBirthday   = "birthday"
	fieldPostalCode = "postal_code"
	fieldAddress    = "address"
	fieldCompany    = "company"
	fieldUpdatedAt  = "updated_at"
	fieldConsent    = "marketing_consent"

	fieldOccurredAt = "occurred_at"
	fieldAmount     = "amount"
	fieldSummary    = "summary"
	fieldCurrency   = "currency"
)

// multiFields may be mapped from several columns; their values are all kept.
var multiFields = []string{fieldEmail, fieldPhone}

// Encodings a file may be declared in, and the names that select them.
type encoding int

const (
	encAuto encoding = iota
	encUTF8
	encShiftJIS
)

var encodingNames = map[string]encoding{
	"auto":        encAuto,
	"utf-8":       encUTF8,
	"utf8":        encUTF8,
	"shift_jis":   encShiftJIS,
	"shift-jis":   encShiftJIS,
	"sjis":        encShiftJIS,
	"cp932":       encShiftJIS,
	"windows-31j": encShiftJIS,
	"ms932":       encShiftJIS,
}

func parseEncoding(s string) (encoding, bool) {
	if s == "" {
		return encAuto, true
	}
	e, ok := encodingNames[strings.ToLower(strings.TrimSpace(s))]
	return e, ok
}

// parseDelimiter reads the delimiter option: one character, "" for a comma,
// and the two characters \t or the word tab for a tab (YAML only turns "\t"
// into a tab inside double quotes).
func parseDelimiter(s string) (rune, bool) {
	switch s {
	case "":
		return ',', true
	case `\t`, "tab", "TAB":
		return '\t', true
	}
	r, size := utf8.DecodeRuneInString(s)
	if size != len(s) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
		return 0, false
	}
	return r, true
}

// Validate checks the options without touching the filesystem, reporting
// every problem through c at its position under path.
func (o *Options) Validate(c *config.Checker, path string) {
	if o.Customers == nil && o.Purchases == nil {
		c.Errorf(path, "set customers, purchases or both, each naming a CSV file to read")
	}
	if o.PageSize < 1 {
		c.Errorf(path+".page_size", "page_size must be at least 1")
	}
	if f := o.Customers; f != nil {
		p := path + ".customers"
		checkFile(c, p, f.Path, f.IDColumn, f.Encoding, f.Delimiter)
		checkColumns(c, p, "customer", f.Columns, customerFields)
	}
	if f := o.Purchases; f != nil {
		p := path + ".purchases"
		checkFile(c, p, f.Path, f.IDColumn, f.Encoding, f.Delimiter)
		checkColumns(c, p, "purchase", f.Columns, purchaseFields)
		if !slices.Contains(mapValues(f.Columns), fieldOccurredAt) {
			c.Errorf(p+".columns", "no column is mapped to occurred_at; purchases need the column holding their date, like 日付: occurred_at")
		}
		if f.Currency != "" {
			if _, err := mapping.ParseCurrency(f.Currency); err != nil {
				c.Errorf(p+".currency", "%q is not an ISO 4217 currency code (like JPY, USD, EUR)", f.Currency)
			}
		}
	}
}

func checkFile(c *config.Checker, path, file, idColumn, enc, delim string) {
	if strings.TrimSpace(file) == "" {
		c.Errorf(path+".path", "path is required: the file to read, relative to the configuration file")
	}
	if strings.TrimSpace(idColumn) == "" {
		c.Errorf(path+".id_column", "id_column is required: the header of the column holding each row's id")
	}
	if _, ok := parseEncoding(enc); !ok {
		names := []string{"auto", "utf-8", "shift_jis"}
		msg := fmt.Sprintf("%q is not an encoding (allowed: auto, utf-8, shift_jis)", enc)
		if s, ok := config.Closest(enc, append(names, "sjis", "cp932", "windows-31j")); ok {
			msg = fmt.Sprintf("%q is not an encoding (did you mean %q?)", enc, s)
		}
		c.Errorf(path+".encoding", "%s", msg)
	}
	if _, ok := parseDelimiter(delim); !ok {
		c.Errorf(path+".delimiter", `delimiter %q must be one character, like "," or "\t"`, delim)
	}
}

// checkColumns checks that every column maps to a known field, and that
// only the multi-valued fields are mapped from more than one column.
func checkColumns(c *config.Checker, path, kind string, columns map[string]string, fields []string) {
	headers := make([]string, 0, len(columns))
	for h := range columns {
		headers = append(headers, h)
	}
	sort.Strings(headers)
	from := map[string]string{}
	for _, h := range headers {
		field, at := columns[h], path+".columns."+h
		switch {
		case strings.TrimSpace(h) == "":
			c.Errorf(path+".columns", "a column's header name is empty")
			continue
		case field == "":
			c.Errorf(at, "map %s to a %s field (one of %s)", h, kind, strings.Join(fields, ", "))
			continue
		case !slices.Contains(fields, field):
			if s, ok := config.Closest(field, fields); ok {
				c.Errorf(at, "%q is not a %s field (did you mean %q?)", field, kind, s)
			} else {
				c.Errorf(at, "%q is not a %s field (allowed: %s)", field, kind, strings.Join(fields, ", "))
			}
			continue
		}
		if prev, dup := from[field]; dup && !slices.Contains(multiFields, field) {
			c.Errorf(at, "%s is already mapped from %s; only email and phone may come from several columns", field, prev)
			continue
		}
		from[field] = h
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Register adds the csv connector type to r.
func Register(r *connectors.Registry) {
	r.Register(TypeName, connectors.TypeOf(func() *Options { return &Options{PageSize: DefaultPageSize} }, New))
}

// Source is a configured csv connector: a customers stream, a purchases
// stream, or both, in that order.
type Source struct {
	streams []connectors.Stream
}

var _ connectors.Source = (*Source)(nil)

// Streams returns the configured streams: "customers" before "purchases",
// so that identities exist before the sales that refer to them.
func (s *Source) Streams() []connectors.Stream { return s.streams }

// New builds a source from valid options. It has no side effects: files are
// opened only when a stream is read.
func New(env connectors.Env, o *Options) (*Source, error) {
	if err := connectors.CheckOptions(TypeName, o); err != nil {
		return nil, err
	}
	loc := env.Location
	if loc == nil {
		loc = time.UTC
	}
	log := env.Log()
	src := &Source{}
	if f := o.Customers; f != nil {
		spec := newSpec(env.Dir, f.Path, f.IDColumn, f.Encoding, f.Delimiter, f.Columns)
		src.streams = append(src.streams, &stream{
			name: "customers", spec: spec, pageSize: o.PageSize, loc: loc,
			log: log.With("stream", "customers"), convert: customerRow,
		})
	}
	if f := o.Purchases; f != nil {
		spec := newSpec(env.Dir, f.Path, f.IDColumn, f.Encoding, f.Delimiter, f.Columns)
		spec.customerColumn = strings.TrimSpace(f.CustomerColumn)
		spec.currency = "JPY"
		if f.Currency != "" {
			spec.currency, _ = mapping.ParseCurrency(f.Currency) // checked by Validate
		}
		src.streams = append(src.streams, &stream{
			name: "purchases", spec: spec, pageSize: o.PageSize, loc: loc,
			log: log.With("stream", "purchases"), convert: purchaseRow,
		})
	}
	return src, nil
}

// spec is one file's settings, resolved.
type spec struct {
	// configured is the path as written in the configuration, for messages.
	configured string
	// path is the file to open.
	path           string
	idColumn       string
	customerColumn string
	encoding       encoding
	comma          rune
	// columns maps header names to fields.
	columns  map[string]string
	currency string
}

func newSpec(dir, path, idColumn, enc, delim string, columns map[string]string) spec {
	s := spec{
		configured: path,
		path:       path,
		idColumn:   strings.TrimSpace(idColumn),
		columns:    map[string]string{},
	}
	if !filepath.IsAbs(path) {
		s.path = filepath.Join(dir, path)
	}
	s.encoding, _ = parseEncoding(enc)
	s.comma, _ = parseDelimiter(delim)
	for h, f := range columns {
		s.columns[strings.TrimSpace(h)] = f
	}
	return s
}
