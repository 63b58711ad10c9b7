package csv_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nayose/nayose/connectors"
)

// FuzzCSVRows feeds arbitrary bytes to both streams, as a whole file and as
// rows under a valid header. Whatever the file holds, reading it must not
// panic, pages must respect page_size, and a read that ends without error
// must end on a done cursor.
func FuzzCSVRows(f *testing.F) {
	for _, s := range []string{
		"C001,山田 太郎,taro@example.jp,昭和60年4月12日,はい,2024/03/15 14:30\n",
		"C001,a\nC001,b\n,c\n",
		"C001,\"multi\nline\",x,1985/13/01,maybe,never\n",
		"\xef\xbb\xbfid,name\nC1,x\n",
		"\x8c\xda\x8bq\x94\xd4\x8d\x86\nA,\x8eR\x93c\n", // Shift_JIS
		"C001,\"unclosed\n",
		"C001,a\"b\n",
		"S1,C1,2024/3/15,△1280,JPY,返品\nS2,,R6.3.17,\"¥1,000\",,店頭\n",
		"\x00\xff\xfe\r\n\r\n,,,,,,,,,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		const customers = "id,name,email,birthday,consent,updated\n"
		const sales = "id,customer,date,amount,currency,summary\n"
		writeFile(t, dir, "raw.csv", data)
		writeFile(t, dir, "customers.csv", append([]byte(customers), data...))
		writeFile(t, dir, "sales.csv", append([]byte(sales), data...))

		for _, options := range []string{
			`{page_size: 3, customers: {path: raw.csv, id_column: id, columns: {name: full_name}}}`,
			`{page_size: 3, customers: {path: customers.csv, id_column: id, columns: {name: full_name, email: email, birthday: birthday, consent: marketing_consent, updated: updated_at}}}`,
			`{page_size: 3, purchases: {path: sales.csv, id_column: id, customer_column: customer, columns: {date: occurred_at, amount: amount, currency: currency, summary: summary}}}`,
			`{page_size: 3, customers: {path: customers.csv, id_column: id, encoding: shift_jis, columns: {name: full_name}}}`,
		} {
			for _, s := range newStreams(t, dir, options, nil) {
				checkStream(t, s)
			}
		}
	})
}

func checkStream(t *testing.T, s connectors.Stream) {
	t.Helper()
	var last string
	for page, err := range s.Pages(context.Background(), "") {
		if err != nil {
			if !strings.HasPrefix(err.Error(), "reading ") {
				t.Errorf("error %q does not say which file", err)
			}
			return
		}
		if page.Len() > 3 {
			t.Fatalf("page of %d rows, page_size is 3", page.Len())
		}
		for _, r := range page.Rejects {
			if r.Reason == "" || r.Location == "" || len(r.Raw) == 0 {
				t.Fatalf("reject without reason, location or raw: %+v", r)
			}
		}
		last = page.Cursor
	}
	if !parseCursor(t, last).Done {
		t.Fatalf("read ended on cursor %s, not done", last)
	}
	// Read again from that cursor: an unchanged file yields nothing.
	for range s.Pages(context.Background(), last) {
		t.Fatal("an unchanged, fully read file yielded a page")
	}
}
