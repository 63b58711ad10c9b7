package eval

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// febrlColumns are the FEBRL columns LoadFEBRL uses; soc_sec_id is left out
// on purpose.
var febrlColumns = []string{"rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth"}

// LoadFEBRL reads one FEBRL file (dataset1.csv … dataset4b.csv of
// shared/datasets/febrl) as rows from the given source. The file has a
// header row and fields separated by ", "; every field is trimmed and kept
// as text.
//
// Mapping: RecordID is rec_id; GivenName is given_name and FamilyName is
// surname (lower case, as given; FullName stays empty); Address is
// "street_number address_1, address_2, suburb, state" with empty parts
// left out; PostalCode is postcode; Birthday is date_of_birth as written
// (YYYYMMDD, possibly blank or corrupted); Truth is N of rec-N-org or
// rec-N-dup-k. soc_sec_id is not used: it is close to a unique key, and the
// SaaS sources nayose reads share no such id, so scores with it would
// flatter the resolver. Case is empty.
func LoadFEBRL(path, source string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("loading FEBRL: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: reading header: %w", path, err)
		}
		return nil, fmt.Errorf("%s: empty file", path)
	}
	head := splitFEBRL(sc.Text())
	col := make(map[string]int, len(head))
	for i, h := range head {
		col[h] = i
	}
	idx := make([]int, len(febrlColumns))
	for j, c := range febrlColumns {
		i, ok := col[c]
		if !ok {
			return nil, fmt.Errorf("%s:1: header has no %q column", path, c)
		}
		idx[j] = i
	}
	var rows []Row
	line := 1
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		v := splitFEBRL(sc.Text())
		if len(v) != len(head) {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d", path, line, len(v), len(head))
		}
		get := func(j int) string { return v[idx[j]] }
		id := get(0)
		truth, ok := febrlEntity(id)
		if !ok {
			return nil, fmt.Errorf("%s:%d: rec_id %q is not rec-<N>-org or rec-<N>-dup-<k>", path, line, id)
		}
		street := get(4)
		if n := get(3); n != "" {
			street = strings.TrimSpace(n + " " + street)
		}
		rows = append(rows, Row{
			RecordID:   id,
			Source:     source,
			GivenName:  get(1),
			FamilyName: get(2),
			Address:    joinNonEmpty(", ", street, get(5), get(6), get(8)),
			PostalCode: get(7),
			Birthday:   get(9),
			Truth:      truth,
		})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", path, line, err)
	}
	return rows, nil
}

// splitFEBRL splits a FEBRL line. Fields hold no commas, so splitting on
// "," and trimming also copes with the CRLF line ends of dataset4a.csv.
func splitFEBRL(line string) []string {
	v := strings.Split(line, ",")
	for i := range v {
		v[i] = strings.TrimSpace(v[i])
	}
	return v
}

// febrlEntity returns N of rec-N-org or rec-N-dup-k.
func febrlEntity(id string) (string, bool) {
	rest, ok := strings.CutPrefix(id, "rec-")
	if !ok {
		return "", false
	}
	n, kind, ok := strings.Cut(rest, "-")
	if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
		return "", false
	}
	if kind != "org" && !strings.HasPrefix(kind, "dup-") {
		return "", false
	}
	return n, true
}

func joinNonEmpty(sep string, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	return b.String()
}

// FEBRLPath returns the path of the FEBRL file name (such as
// "dataset4a.csv"), found by walking up from the working directory to the
// first directory that has shared/datasets/febrl/<name> below it (the
// repository at /work/main finds /work/shared/datasets/febrl), or that is
// itself a shared/datasets/febrl directory holding name. It returns "" if
// there is none, so tests can skip.
func FEBRLPath(name string) string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	suffix := filepath.Join("shared", "datasets", "febrl")
	for d := wd; ; {
		cands := []string{filepath.Join(d, suffix, name)}
		if strings.HasSuffix(d, string(filepath.Separator)+suffix) {
			cands = append(cands, filepath.Join(d, name))
		}
		for _, c := range cands {
			if st, err := os.Stat(c); err == nil && !st.IsDir() {
				return c
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}
