package xerotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MSDate formats t as Xero's JSON dates: "/Date(1439434356790+0000)/".
func MSDate(t time.Time) string {
	return fmt.Sprintf("/Date(%d+0000)/", t.UnixMilli())
}

// wire turns a record into its JSON object, adding Xero's date fields.
func wire(v any, dates map[string]time.Time) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only the fake's own types get here
	}
	m := map[string]any{}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		panic(err)
	}
	for k, t := range dates {
		m[k] = MSDate(t)
		if k == "UpdatedDateUTC" {
			m["UpdatedDateUTCString"] = t.UTC().Format("2006-01-02T15:04:05Z")
		}
		if k == "Date" {
			m["DateString"] = t.UTC().Format("2006-01-02T00:00:00")
		}
	}
	return m
}

// dayOf is the calendar day of t, as Xero serves invoice dates: midnight UTC.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (s *Server) serveContacts(w http.ResponseWriter, r *http.Request) {
	archived, _ := strconv.ParseBool(r.URL.Query().Get("includeArchived"))
	s.serveList(w, r, "Contacts", func() []record {
		var out []record
		for _, c := range s.contacts {
			if c.ContactStatus == "ARCHIVED" && !archived {
				continue
			}
			out = append(out, record{c.ContactID, c.UpdatedDateUTC, wire(c, map[string]time.Time{"UpdatedDateUTC": c.UpdatedDateUTC})})
		}
		return out
	})
}

func (s *Server) serveInvoices(w http.ResponseWriter, r *http.Request) {
	s.serveList(w, r, "Invoices", func() []record {
		var out []record
		for _, inv := range s.invoices {
			out = append(out, record{inv.InvoiceID, inv.UpdatedDateUTC, wire(inv, map[string]time.Time{"UpdatedDateUTC": inv.UpdatedDateUTC, "Date": dayOf(inv.Date)})})
		}
		return out
	})
}

func (s *Server) serveCreditNotes(w http.ResponseWriter, r *http.Request) {
	s.serveList(w, r, "CreditNotes", func() []record {
		var out []record
		for _, n := range s.creditNotes {
			out = append(out, record{n.CreditNoteID, n.UpdatedDateUTC, wire(n, map[string]time.Time{"UpdatedDateUTC": n.UpdatedDateUTC, "Date": dayOf(n.Date)})})
		}
		return out
	})
}

func (s *Server) servePayments(w http.ResponseWriter, r *http.Request) {
	s.serveList(w, r, "Payments", func() []record {
		var out []record
		for _, p := range s.payments {
			out = append(out, record{p.PaymentID, p.UpdatedDateUTC, wire(p, map[string]time.Time{"UpdatedDateUTC": p.UpdatedDateUTC, "Date": dayOf(p.Date)})})
		}
		return out
	})
}

// whereEq is the one `where` form the fake understands: Field=="value".
var whereEq = regexp.MustCompile(`^\s*(\w+)\s*==\s*"([^"]*)"\s*$`)

// serveList filters (If-Modified-Since on UpdatedDateUTC, where), sorts
// (UpdatedDateUTC, then id: the fake honours no other order) and pages
// (page, pageSize) one collection. Without page, every record is served
// and there is no pagination block.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, key string, all func() []record) {
	q := r.URL.Query()
	var since time.Time
	if h := r.Header.Get("If-Modified-Since"); h != "" {
		t, err := parseSince(h)
		if err != nil {
			validation(w, "If-Modified-Since "+strconv.Quote(h)+" is not a date")
			return
		}
		since = t
	}
	var field, value string
	if wh := q.Get("where"); wh != "" {
		m := whereEq.FindStringSubmatch(wh)
		if m == nil {
			validation(w, "xerotest understands only where=Field==\"value\"")
			return
		}
		field, value = m[1], m[2]
	}
	page, pageSize := 0, 100
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			validation(w, "page must be a positive number")
			return
		}
		page = n
	}
	if p := q.Get("pageSize"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			validation(w, "pageSize must be a positive number")
			return
		}
		pageSize = min(n, MaxPageSize)
	}

	s.mu.Lock()
	s.initLocked()
	recs := all()
	s.mu.Unlock()
	recs = slices.DeleteFunc(recs, func(rec record) bool {
		if !since.IsZero() && !rec.updated.After(since) {
			return true
		}
		return field != "" && fmt.Sprint(rec.fields[field]) != value
	})
	slices.SortFunc(recs, func(a, b record) int {
		if c := a.updated.Compare(b.updated); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	body := map[string]any{
		"Id":           "04e93d48-e72f-4775-b7dd-15a041fab972",
		"Status":       "OK",
		"ProviderName": "nayose xerotest",
		"DateTimeUTC":  MSDate(s.now()),
	}
	if page > 0 {
		body["pagination"] = map[string]int{"page": page, "pageSize": pageSize, "pageCount": (len(recs) + pageSize - 1) / pageSize, "itemCount": len(recs)}
		lo := min((page-1)*pageSize, len(recs))
		recs = recs[lo:min(lo+pageSize, len(recs))]
	}
	items := make([]map[string]any, len(recs))
	for i, rec := range recs {
		items[i] = rec.fields
	}
	s.malform(r.URL.Path, key, items)
	body[key] = items
	writeJSON(w, body)
}

// malform applies a queued malformation, under the path's key or "", to the
// middle record of a non-empty page.
func (s *Server) malform(path, key string, items []map[string]any) {
	idKey := map[string]string{"Contacts": "ContactID", "Invoices": "InvoiceID", "CreditNotes": "CreditNoteID", "Payments": "PaymentID"}[key]
	amountKey := "Total"
	if key == "Payments" {
		amountKey = "Amount"
	}
	for _, k := range []string{path, ""} {
		s.Malform(k, func(kind int) (string, bool) {
			if len(items) == 0 {
				return "", false
			}
			rec := items[len(items)/2]
			id := fmt.Sprint(rec[idKey])
			switch kind {
			case BadUpdated:
				rec["UpdatedDateUTC"] = "yesterday"
			case BadAmount:
				if key == "Contacts" {
					rec["EmailAddress"] = 42
				} else {
					rec[amountKey] = "12.3.4"
				}
			case NoID:
				delete(rec, idKey)
			}
			items = nil // one record per malformation
			return id, true
		})
	}
}

// parseSince reads If-Modified-Since: ISO 8601 (what Xero's SDKs send,
// with or without zone and fraction) or an HTTP date.
func parseSince(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", http.TimeFormat, time.RFC1123} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", v)
}

// validation writes Xero's 400 for a bad request.
func validation(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]any{"ErrorNumber": 10, "Type": "ValidationException", "Message": msg})
}
