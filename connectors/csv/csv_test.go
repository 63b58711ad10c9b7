package csv_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/connectortest"
	csvconn "github.com/nayose/nayose/connectors/csv"
	"github.com/nayose/nayose/mapping"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/encoding/japanese"
)

func tokyo(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// decodeOptions decodes an options block as the registry does: defaults
// first, then the YAML over them, strictly, then Validate.
func decodeOptions(t testing.TB, src string) (*csvconn.Options, config.Problems) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("test YAML: %v", err)
	}
	opts := &csvconn.Options{PageSize: csvconn.DefaultPageSize}
	c := config.NewChecker("nayose.yaml")
	c.Decode(&doc, "connectors[0].options", opts)
	return opts, c.Problems()
}

// newStreams builds the connector from an options block, reading files
// relative to dir.
func newStreams(t testing.TB, dir, options string, log *slog.Logger) []connectors.Stream {
	t.Helper()
	opts, problems := decodeOptions(t, options)
	if err := problems.Err(); err != nil {
		t.Fatalf("options: %v", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	src, err := csvconn.New(connectors.Env{Name: "test", Dir: dir, Location: tokyo(t), Logger: log}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return src.Streams()
}

// readAll collects a stream's pages until the sequence ends.
func readAll(ctx context.Context, s connectors.Stream, cursor string) ([]connectors.Page, error) {
	var pages []connectors.Page
	for page, err := range s.Pages(ctx, cursor) {
		if err != nil {
			return pages, err
		}
		pages = append(pages, page)
	}
	return pages, nil
}

// merged is every page's records in one page, with the last cursor.
func merged(pages []connectors.Page) connectors.Page { return connectortest.Merged(pages) }

type cursor struct {
	SHA256 string `json:"sha256"`
	Row    int    `json:"row"`
	Done   bool   `json:"done"`
}

func parseCursor(t testing.TB, s string) cursor {
	t.Helper()
	var c cursor
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		t.Fatalf("cursor %q: %v", s, err)
	}
	return c
}

func writeFile(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func ids(page connectors.Page) []string {
	var out []string
	for _, id := range page.Identities {
		out = append(out, id.ExternalID)
	}
	for _, a := range page.Activities {
		out = append(out, a.ExternalID)
	}
	return out
}

func withoutRaw(ids []connectors.Identity) []connectors.Identity {
	out := make([]connectors.Identity, len(ids))
	for i, id := range ids {
		id.Raw = nil
		out[i] = id
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func date(y, m, d int) mapping.Date { return mapping.Date{Year: y, Month: time.Month(m), Day: d} }

const customersOptions = `
customers:
  path: exports/customers.csv
  id_column: 顧客番号
  columns:
    氏名: full_name
    フリガナ: name_kana
    メールアドレス: email
    電話番号: phone
    携帯番号: phone
    生年月日: birthday
    郵便番号: postal_code
    住所: address
    メルマガ: marketing_consent
    更新日時: updated_at
`

func TestCSV_BOMIsStripped(t *testing.T) {
	for _, enc := range []string{"auto", "utf-8"} {
		t.Run(enc, func(t *testing.T) {
			// testdata/exports/customers.csv starts with a UTF-8 BOM and has
			// CRLF line ends, as Excel's "CSV UTF-8" writes it.
			streams := newStreams(t, "testdata", customersOptions+"  encoding: "+enc+"\n", nil)
			pages, err := readAll(context.Background(), streams[0], "")
			if err != nil {
				t.Fatal(err)
			}
			got := merged(pages)
			if len(got.Rejects) > 0 {
				t.Fatalf("rejects: %+v", got.Rejects)
			}
			want := []connectors.Identity{
				{
					ExternalID: "C001", FullName: "山田 太郎", NameKana: "ヤマダ タロウ",
					Emails: []string{"taro@example.jp"}, Phones: []string{"03-1234-5678", "090-1111-2222"},
					Birthday: date(1985, 4, 12), PostalCode: "150-0001", Address: "東京都渋谷区神宮前1-2-3",
					MarketingConsent: ptr(true), UpdatedAt: time.Date(2024, 3, 15, 5, 30, 0, 0, time.UTC),
				},
				{
					ExternalID: "C002", FullName: "佐藤 花子", NameKana: "サトウ ハナコ",
					Emails: []string{"hanako@example.jp"}, Phones: []string{"080-3333-4444"},
					Birthday: date(1990, 1, 5), PostalCode: "530-0001", Address: "大阪府大阪市北区梅田1-1-1, 梅田ビル3F",
					MarketingConsent: ptr(false), UpdatedAt: time.Date(2024, 3, 16, 0, 0, 0, 0, time.UTC),
				},
				{
					ExternalID: "C003", FullName: "鈴木 一郎", NameKana: "スズキ イチロウ",
					Phones: []string{"06-9876-5432"}, Birthday: date(1990, 1, 5),
				},
			}
			if g := withoutRaw(got.Identities); !reflect.DeepEqual(g, want) {
				t.Errorf("identities:\n got %+v\nwant %+v", g, want)
			}
			const raw = `{"顧客番号":"C001","氏名":"山田 太郎","フリガナ":"ヤマダ タロウ","メールアドレス":"taro@example.jp","電話番号":"03-1234-5678","携帯番号":"090-1111-2222","生年月日":"昭和60年4月12日","郵便番号":"150-0001","住所":"東京都渋谷区神宮前1-2-3","メルマガ":"○","更新日時":"2024/03/15 14:30"}`
			if r := string(got.Identities[0].Raw); r != raw {
				t.Errorf("raw:\n got %s\nwant %s", r, raw)
			}
		})
	}
}

func TestCSV_ShiftJISWithJapaneseHeaders(t *testing.T) {
	// The file is what a Japanese-locale Excel saves as "CSV": CP932, with
	// characters only CP932 has (髙, ㈱, ①) and a header in half-width kana
	// (ﾌﾘｶﾞﾅ) that the configured フリガナ still finds.
	const text = "顧客番号,氏名,ﾌﾘｶﾞﾅ,電話番号,住所,会社名\r\n" +
		"K-001,髙橋 一郎,ﾀｶﾊｼ ｲﾁﾛｳ,03-1111-2222,東京都千代田区丸の内１－１－１,㈱髙橋商店\r\n" +
		"K-002,渡辺 さくら,ワタナベ サクラ,０９０－１２３４－５６７８,\"大阪府堺市①番地\",\r\n"
	sjis, err := japanese.ShiftJIS.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "customers.csv", []byte(sjis))
	want := []connectors.Identity{
		{
			ExternalID: "K-001", FullName: "髙橋 一郎", NameKana: "ﾀｶﾊｼ ｲﾁﾛｳ", Phones: []string{"03-1111-2222"},
			Address: "東京都千代田区丸の内１－１－１", Company: "㈱髙橋商店",
		},
		{
			ExternalID: "K-002", FullName: "渡辺 さくら", NameKana: "ワタナベ サクラ", Phones: []string{"０９０－１２３４－５６７８"},
			Address: "大阪府堺市①番地",
		},
	}
	for _, enc := range []string{"auto", "shift_jis", "sjis", "cp932", "windows-31j", "Shift_JIS"} {
		t.Run(enc, func(t *testing.T) {
			streams := newStreams(t, dir, `
customers:
  path: customers.csv
  id_column: 顧客番号
  encoding: `+enc+`
  columns: {氏名: full_name, フリガナ: name_kana, 電話番号: phone, 住所: address, 会社名: company}
`, nil)
			pages, err := readAll(context.Background(), streams[0], "")
			if err != nil {
				t.Fatal(err)
			}
			got := merged(pages)
			if len(got.Rejects) > 0 {
				t.Fatalf("rejects: %+v", got.Rejects)
			}
			if g := withoutRaw(got.Identities); !reflect.DeepEqual(g, want) {
				t.Errorf("identities:\n got %+v\nwant %+v", g, want)
			}
		})
	}
}

func TestCSV_ShiftJISSales(t *testing.T) {
	// In Shift_JIS the yen sign is byte 0x5C, which decodes as a backslash.
	const text = "伝票番号,顧客番号,日付,金額,摘要\r\n" +
		"D-1,K-001,平成31年4月30日,\"\\1,280\",ｺｰﾋｰ豆\r\n" +
		"D-2,K-001,H31.4.30,▲1280,返品\r\n"
	sjis, err := japanese.ShiftJIS.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "sales.csv", []byte(sjis))
	streams := newStreams(t, dir, `
purchases:
  path: sales.csv
  id_column: 伝票番号
  customer_column: 顧客番号
  columns: {日付: occurred_at, 金額: amount, 摘要: summary}
`, nil)
	pages, err := readAll(context.Background(), streams[0], "")
	if err != nil {
		t.Fatal(err)
	}
	got := merged(pages)
	if len(got.Rejects) > 0 {
		t.Fatalf("rejects: %s", dump(got.Rejects))
	}
	day := time.Date(2019, 4, 29, 15, 0, 0, 0, time.UTC) // 2019-04-30 00:00 in Tokyo
	want := []connectors.Activity{
		{ExternalID: "D-1", Kind: connectors.KindPurchase, IdentityExternalID: "K-001", OccurredAt: day, Amount: ptr[int64](1280), Currency: "JPY", Summary: "ｺｰﾋｰ豆"},
		{ExternalID: "D-2", Kind: connectors.KindRefund, IdentityExternalID: "K-001", OccurredAt: day, Amount: ptr[int64](1280), Currency: "JPY", Summary: "返品"},
	}
	for i := range got.Activities {
		got.Activities[i].Raw = nil
	}
	if !reflect.DeepEqual(got.Activities, want) {
		t.Errorf("activities:\n got %+v\nwant %+v", got.Activities, want)
	}
}

func TestCSV_TabSeparated(t *testing.T) {
	want := []connectors.Identity{
		{
			ExternalID: "M-01", FamilyName: "田中", GivenName: "美咲", NameKana: "タナカ ミサキ",
			Emails: []string{"misaki@example.com"}, Phones: []string{"090-5555-6666"},
			Birthday: mapping.Date{Month: 4, Day: 12}, Company: "株式会社タナカ",
		},
		{
			ExternalID: "M-02", FamilyName: "高橋", GivenName: "健", NameKana: "タカハシ ケン",
			Emails: []string{"ken@example.com"}, Birthday: date(2001, 7, 7),
		},
	}
	for _, delim := range []string{`"\t"`, `'\t'`, "tab"} {
		t.Run(delim, func(t *testing.T) {
			streams := newStreams(t, "testdata", `
customers:
  path: customers.tsv
  id_column: 会員ID
  delimiter: `+delim+`
  columns: {姓: family_name, 名: given_name, セイメイ: name_kana, Eメール: email, TEL: phone, 誕生日: birthday, 会社名: company}
`, nil)
			pages, err := readAll(context.Background(), streams[0], "")
			if err != nil {
				t.Fatal(err)
			}
			if g := withoutRaw(merged(pages).Identities); !reflect.DeepEqual(g, want) {
				t.Errorf("identities:\n got %+v\nwant %+v", g, want)
			}
		})
	}
}

const salesOptions = `
purchases:
  path: exports/sales.csv
  id_column: 伝票番号
  customer_column: 顧客番号
  columns: {日付: occurred_at, 金額: amount, 通貨: currency, 商品: summary}
`

func TestCSV_Purchases(t *testing.T) {
	streams := newStreams(t, "testdata", salesOptions, nil)
	pages, err := readAll(context.Background(), streams[0], "")
	if err != nil {
		t.Fatal(err)
	}
	got := merged(pages)
	jst := func(y, m, d, h, mi int) time.Time { return time.Date(y, time.Month(m), d, h, mi, 0, 0, tokyo(t)).UTC() }
	want := []connectors.Activity{
		{ExternalID: "S001", Kind: connectors.KindPurchase, IdentityExternalID: "C001", OccurredAt: jst(2024, 3, 15, 0, 0), Amount: ptr[int64](1280), Currency: "JPY", Summary: "コーヒー豆 200g"},
		{ExternalID: "S002", Kind: connectors.KindPurchase, IdentityExternalID: "C002", OccurredAt: jst(2024, 3, 16, 0, 0), Amount: ptr[int64](12800), Currency: "JPY", Summary: "ギフトセット"},
		{ExternalID: "S003", Kind: connectors.KindRefund, IdentityExternalID: "C001", OccurredAt: jst(2024, 3, 17, 0, 0), Amount: ptr[int64](1280), Currency: "JPY", Summary: "返品 コーヒー豆 200g"},
		{ExternalID: "S004", Kind: connectors.KindPurchase, OccurredAt: jst(2024, 3, 18, 10, 15), Amount: ptr[int64](500), Currency: "JPY", Summary: "店頭販売"},
		{ExternalID: "S008", Kind: connectors.KindPurchase, IdentityExternalID: "C001", OccurredAt: jst(2024, 3, 21, 0, 0), Amount: ptr[int64](2500), Currency: "USD", Summary: "輸入品"},
	}
	for i := range got.Activities {
		got.Activities[i].Raw = nil
	}
	if !reflect.DeepEqual(got.Activities, want) {
		t.Errorf("activities:\n got %+v\nwant %+v", got.Activities, want)
	}
}

func TestCSV_BadRowsAreRejectedWithRowAndColumn(t *testing.T) {
	t.Run("sales", func(t *testing.T) {
		streams := newStreams(t, "testdata", salesOptions, nil)
		pages, err := readAll(context.Background(), streams[0], "")
		if err != nil {
			t.Fatal(err)
		}
		want := []connectors.Reject{
			{
				ExternalID: "S005", Location: "exports/sales.csv:6:3", Field: "日付",
				Reason: `"2024/02/30" is not a time: day 30 (February 2024 has 29 days)`,
				Raw:    json.RawMessage(`{"伝票番号":"S005","顧客番号":"C003","日付":"2024/02/30","金額":"1,000","通貨":"","商品":"日付の誤り"}`),
			},
			{
				Location: "exports/sales.csv:7", Reason: "no 伝票番号",
				Raw: json.RawMessage(`{"伝票番号":"","顧客番号":"C002","日付":"2024/03/19","金額":"800","通貨":"","商品":"伝票番号なし"}`),
			},
			{
				ExternalID: "S007", Location: "exports/sales.csv:8:5", Field: "通貨",
				Reason: `"ABC" is not a currency: not an ISO 4217 code (like JPY, USD, EUR)`,
				Raw:    json.RawMessage(`{"伝票番号":"S007","顧客番号":"C002","日付":"2024/03/20","金額":"12.34","通貨":"ABC","商品":"通貨の誤り"}`),
			},
		}
		if got := merged(pages).Rejects; !reflect.DeepEqual(got, want) {
			t.Errorf("rejects:\n got %s\nwant %s", dump(got), dump(want))
		}
	})

	t.Run("customers", func(t *testing.T) {
		dir := t.TempDir()
		// Line numbers are physical lines: the quoted address on line 3
		// spans two lines, so the row after it is on line 5.
		writeFile(t, dir, "customers.csv", []byte(strings.Join([]string{
			"顧客番号,氏名,生年月日,メルマガ,更新日時",
			"C001,山田 太郎,1985/13/01,はい,2024/03/15",
			"C002,\"佐藤\n花子\",1990/1/5,はい,2024/03/15",
			"C003,鈴木 一郎,1985/4/12,たぶん,2024/02/30 10:00",
			"C004,高橋 健",
			"C002,佐藤 花子,1990/1/5,はい,2024/03/15",
			",名無し,1990/1/5,,",
			"C005,伊藤 翼,1990/1/5,いいえ,2024/03/15,余計な値",
			"C006,中村 陽,R2.2.29,不可,",
			",,,,",
			" , ,",
		}, "\n")+"\n"))
		streams := newStreams(t, dir, `
customers:
  path: customers.csv
  id_column: 顧客番号
  columns: {氏名: full_name, 生年月日: birthday, メルマガ: marketing_consent, 更新日時: updated_at}
`, nil)
		pages, err := readAll(context.Background(), streams[0], "")
		if err != nil {
			t.Fatal(err)
		}
		got := merged(pages)
		if g := ids(got); !reflect.DeepEqual(g, []string{"C002", "C006"}) {
			t.Errorf("read %v, want C002 and C006", g)
		}
		want := []connectors.Reject{
			{
				ExternalID: "C001", Location: "customers.csv:2:3", Field: "生年月日",
				Reason: `"1985/13/01" is not a date: month 13`,
			},
			{
				ExternalID: "C003", Location: "customers.csv:5:4", Field: "メルマガ",
				Reason: `"たぶん" is not a yes or no (write 1/0, yes/no, true/false, はい/いいえ, 可/不可 or ○/×); also 更新日時 (column 5): "2024/02/30 10:00" is not a time: day 30 (February 2024 has 29 days)`,
			},
			{ExternalID: "C004", Location: "customers.csv:6", Reason: "the row has 2 fields, the header has 5"},
			{ExternalID: "C002", Location: "customers.csv:7", Reason: `顧客番号 "C002" is already on line 3`},
			{Location: "customers.csv:8", Reason: "no 顧客番号"},
			{ExternalID: "C005", Location: "customers.csv:9", Reason: "the row has 6 fields, the header has 5"},
		}
		for i := range got.Rejects {
			got.Rejects[i].Raw = nil
		}
		if !reflect.DeepEqual(got.Rejects, want) {
			t.Errorf("rejects:\n got %s\nwant %s", dump(got.Rejects), dump(want))
		}
	})
}

func dump(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func TestCSV_MissingColumnNamesTheHeader(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "customers.csv", []byte("顧客番号,氏名,電話番号\nC001,山田 太郎,03-1234-5678\n"))
	streams := newStreams(t, dir, `
customers:
  path: customers.csv
  id_column: 顧客ID
  columns: {氏名: full_name, 電話番: phone, メール: email}
`, nil)
	pages, err := readAll(context.Background(), streams[0], "")
	if len(pages) > 0 {
		t.Errorf("got %d pages before the error, want none", len(pages))
	}
	const want = `reading customers.csv: the header has no column "顧客ID" (did you mean "顧客番号"?); ` +
		`the header has no column "メール"; ` +
		`the header has no column "電話番" (did you mean "電話番号"?); ` +
		`the columns are: 顧客番号, 氏名, 電話番号`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
}

func TestCSV_FatalErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string // "" for no file at all
		wantErr string
		is      error
	}{
		{name: "missing file", wantErr: "reading customers.csv: open ", is: fs.ErrNotExist},
		{name: "empty file", file: " ", wantErr: "reading customers.csv: the file is empty"},
		{name: "empty file with BOM", file: "\uFEFF", wantErr: "the file is empty"},
		{
			name:    "duplicate header",
			file:    "顧客番号,氏名,メール,氏名\nC001,a,b,c\n",
			wantErr: `reading customers.csv: the header names "氏名" twice, in columns 2 and 4`,
		},
		{
			name:    "bare quote",
			file:    "顧客番号,氏名\nC001,a\nC002,b\"c\n",
			wantErr: `reading customers.csv: line 3, column 7: bare " in non-quoted-field`,
		},
		{
			name:    "unclosed quote",
			file:    "顧客番号,氏名\nC001,\"a\nC002,b\n",
			wantErr: `reading customers.csv: line 3, column 8, in the row starting on line 2: extraneous or missing " in quoted-field`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.file != "" {
				data := []byte(tt.file)
				if tt.file == " " {
					data = nil
				}
				writeFile(t, dir, "customers.csv", data)
			}
			streams := newStreams(t, dir, "customers: {path: customers.csv, id_column: 顧客番号, columns: {氏名: full_name}}", nil)
			_, err := readAll(context.Background(), streams[0], "")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

func TestCSV_SyntaxErrorKeepsPagesBeforeIt(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "customers.csv", []byte("顧客番号,氏名\nC001,a\nC002,b\nC003,c\nC004,\"d\"x\n"))
	streams := newStreams(t, dir, "{page_size: 2, customers: {path: customers.csv, id_column: 顧客番号}}", nil)
	pages, err := readAll(context.Background(), streams[0], "")
	if err == nil || !strings.Contains(err.Error(), "line 5") {
		t.Fatalf("error = %v, want a syntax error on line 5", err)
	}
	if len(pages) != 2 {
		t.Fatalf("got %d pages, want 2 before the error", len(pages))
	}
	if c := parseCursor(t, pages[1].Cursor); c.Row != 3 || c.Done {
		t.Errorf("cursor before the error = %+v, want row 3, not done", c)
	}
	// The next run resumes after row 3 and stops at the same place.
	pages, err = readAll(context.Background(), streams[0], pages[1].Cursor)
	if err == nil || len(pages) != 0 {
		t.Errorf("resumed run: %d pages, error %v; want no pages and the error again", len(pages), err)
	}
}

// numbered writes a customers file of n rows with ids C001, C002, ...
func numbered(n int, extra ...string) []byte {
	var b bytes.Buffer
	b.WriteString("顧客番号,氏名\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "C%03d,名前%d\n", i, i)
	}
	for _, line := range extra {
		b.WriteString(line + "\n")
	}
	return b.Bytes()
}

const pagedOptions = "{page_size: 2, customers: {path: customers.csv, id_column: 顧客番号, columns: {氏名: full_name}}}"

func TestCSV_PagesCarryTheirCursor(t *testing.T) {
	tests := []struct {
		rows     int
		wantRows []int // each page's cursor row
		wantLens []int
	}{
		{rows: 5, wantRows: []int{2, 4, 5}, wantLens: []int{2, 2, 1}},
		{rows: 4, wantRows: []int{2, 4}, wantLens: []int{2, 2}}, // no empty page after a full one
		{rows: 1, wantRows: []int{1}, wantLens: []int{1}},
		{rows: 0, wantRows: []int{0}, wantLens: []int{0}}, // header only: one empty, done page
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.rows, " rows"), func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "customers.csv", numbered(tt.rows))
			streams := newStreams(t, dir, pagedOptions, nil)
			pages, err := readAll(context.Background(), streams[0], "")
			if err != nil {
				t.Fatal(err)
			}
			var rows, lens []int
			hash := ""
			for i, p := range pages {
				c := parseCursor(t, p.Cursor)
				rows, lens = append(rows, c.Row), append(lens, p.Len())
				if last := i == len(pages)-1; c.Done != last {
					t.Errorf("page %d: done = %v, want %v", i, c.Done, last)
				}
				if hash != "" && c.SHA256 != hash {
					t.Errorf("page %d: hash changed within one run", i)
				}
				hash = c.SHA256
			}
			if !reflect.DeepEqual(rows, tt.wantRows) || !reflect.DeepEqual(lens, tt.wantLens) {
				t.Errorf("cursor rows %v, page sizes %v; want %v, %v", rows, lens, tt.wantRows, tt.wantLens)
			}
		})
	}
}

func TestCSV_UnchangedFileIsSkipped(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "customers.csv", numbered(3))
	var logs bytes.Buffer
	streams := newStreams(t, dir, pagedOptions, slog.New(slog.NewTextHandler(&logs, nil)))
	pages, err := readAll(context.Background(), streams[0], "")
	if err != nil {
		t.Fatal(err)
	}
	last := pages[len(pages)-1].Cursor
	if !parseCursor(t, last).Done {
		t.Fatalf("last cursor %s is not done", last)
	}

	pages, err = readAll(context.Background(), streams[0], last)
	if err != nil || len(pages) != 0 {
		t.Errorf("second run: %d pages, error %v; want nothing", len(pages), err)
	}
	if !strings.Contains(logs.String(), "level=INFO") || !strings.Contains(logs.String(), "skipped") ||
		!strings.Contains(logs.String(), "path=customers.csv") {
		t.Errorf("log does not say the file was skipped:\n%s", logs.String())
	}
}

func TestCSV_ResumesAfterCommittedRow(t *testing.T) {
	dir := t.TempDir()
	// Row 5 repeats row 1's id: the duplicate is still caught when the run
	// that reads row 5 resumed after row 1.
	writeFile(t, dir, "customers.csv", numbered(4, "C001,重複"))
	streams := newStreams(t, dir, pagedOptions, nil)
	first, err := readAll(context.Background(), streams[0], "")
	if err != nil {
		t.Fatal(err)
	}
	// The engine committed the first page, then the run died.
	committed := first[0].Cursor
	if c := parseCursor(t, committed); c.Row != 2 || c.Done {
		t.Fatalf("first page cursor %+v, want row 2, not done", c)
	}

	pages, err := readAll(context.Background(), streams[0], committed)
	if err != nil {
		t.Fatal(err)
	}
	got := merged(pages)
	if g := ids(got); !reflect.DeepEqual(g, []string{"C003", "C004"}) {
		t.Errorf("resumed run read %v, want C003, C004", g)
	}
	want := []connectors.Reject{{
		ExternalID: "C001", Location: "customers.csv:6", Reason: `顧客番号 "C001" is already on line 2`,
		Raw: json.RawMessage(`{"顧客番号":"C001","氏名":"重複"}`),
	}}
	if !reflect.DeepEqual(got.Rejects, want) {
		t.Errorf("rejects:\n got %s\nwant %s", dump(got.Rejects), dump(want))
	}
	if c := parseCursor(t, got.Cursor); c.Row != 5 || !c.Done {
		t.Errorf("last cursor %+v, want row 5, done", c)
	}
}

func TestCSV_ChangedFileIsReadAgain(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "customers.csv", numbered(3))
	streams := newStreams(t, dir, pagedOptions, nil)
	pages, err := readAll(context.Background(), streams[0], "")
	if err != nil {
		t.Fatal(err)
	}
	done := pages[len(pages)-1].Cursor

	writeFile(t, dir, "customers.csv", numbered(4))
	pages, err = readAll(context.Background(), streams[0], done)
	if err != nil {
		t.Fatal(err)
	}
	if g := ids(merged(pages)); !reflect.DeepEqual(g, []string{"C001", "C002", "C003", "C004"}) {
		t.Errorf("read %v, want every row of the new file", g)
	}

	// A cursor from a half-read older version does not skip rows of the new one.
	half := pages[0].Cursor
	writeFile(t, dir, "customers.csv", numbered(5))
	pages, err = readAll(context.Background(), streams[0], half)
	if err != nil {
		t.Fatal(err)
	}
	if g := ids(merged(pages)); len(g) != 5 || g[0] != "C001" {
		t.Errorf("read %v, want all 5 rows from the start", g)
	}
}

func TestCSV_UnreadableCursorReadsFromStart(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "customers.csv", numbered(3))
	streams := newStreams(t, dir, pagedOptions, nil)
	pages, err := readAll(context.Background(), streams[0], "page=7")
	if err != nil {
		t.Fatal(err)
	}
	if g := ids(merged(pages)); len(g) != 3 {
		t.Errorf("read %v, want all 3 rows", g)
	}
}

func TestCSV_CancelStops(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "customers.csv", numbered(1000))
	streams := newStreams(t, dir, "{page_size: 10, customers: {path: customers.csv, id_column: 顧客番号}}", nil)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pages int
	var last error
	for page, err := range streams[0].Pages(ctx, "") {
		if err != nil {
			last = err
			continue
		}
		pages++
		if page.Len() != 10 {
			t.Errorf("page of %d rows, want 10", page.Len())
		}
		cancel()
	}
	if pages != 1 {
		t.Errorf("got %d pages, want 1: the stream must stop once ctx is done", pages)
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("sequence ended with %v, want context.Canceled", last)
	}

	// Cancelled before it starts: an error, no pages.
	pagesRead, err := readAll(ctx, streams[0], "")
	if len(pagesRead) != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %d pages, error %v", len(pagesRead), err)
	}
}

func TestCSV_BreakStops(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "customers.csv", numbered(100))
	streams := newStreams(t, dir, pagedOptions, nil)
	// The engine breaks when a commit fails; the iterator must not call
	// yield again (range-over-func would panic).
	n := 0
	for _, err := range streams[0].Pages(context.Background(), "") {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		t.Errorf("got %d pages", n)
	}
}

func TestCSV_InvalidUTF8AfterTheSniffIsARowReject(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	b.WriteString("顧客番号,氏名\n")
	for i := 0; b.Len() < 70<<10; i++ { // past the 64 KiB that auto detection reads
		fmt.Fprintf(&b, "C%05d,山田 太郎\n", i)
	}
	b.WriteString("X1,\x8eR\x93c\n") // 山田 in Shift_JIS
	writeFile(t, dir, "customers.csv", b.Bytes())
	streams := newStreams(t, dir, "{customers: {path: customers.csv, id_column: 顧客番号, columns: {氏名: full_name}}}", nil)
	pages, err := readAll(context.Background(), streams[0], "")
	if err != nil {
		t.Fatal(err)
	}
	rejects := merged(pages).Rejects
	if len(rejects) != 1 || rejects[0].ExternalID != "X1" || !strings.Contains(rejects[0].Reason, "not valid UTF-8") {
		t.Errorf("rejects = %s, want X1 as not UTF-8", dump(rejects))
	}
}

func TestCSV_StreamsInOrder(t *testing.T) {
	streams := newStreams(t, "testdata", customersOptions+salesOptions, nil)
	var names []string
	for _, s := range streams {
		names = append(names, s.Name())
	}
	if !reflect.DeepEqual(names, []string{"customers", "purchases"}) {
		t.Errorf("streams %v, want customers then purchases", names)
	}
}

func TestCSV_NewHasNoSideEffects(t *testing.T) {
	// Building a connector for files that do not exist succeeds: files are
	// opened only when a stream is read.
	newStreams(t, t.TempDir(), customersOptions+salesOptions, nil)
}

func TestCSV_SampleConfigLoads(t *testing.T) {
	// The sample's paths are relative to its file; as testdata/nayose.yaml
	// they name the files in testdata/exports, so the sample really runs.
	cfg, err := config.Parse(filepath.Join("testdata", "nayose.yaml"), []byte(csvconn.SampleConfig()),
		func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	csvconn.Register(r)
	built, err := r.Build(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != 1 || built[0].Config.Name != "legacy_excel" {
		t.Fatalf("built %+v, want the legacy_excel connector", built)
	}
	streams := built[0].Source.Streams()
	if len(streams) != 2 {
		t.Fatalf("%d streams, want customers and purchases", len(streams))
	}
	wantCounts := map[string][3]int{"customers": {3, 0, 0}, "purchases": {0, 5, 3}}
	for _, s := range streams {
		pages, err := readAll(context.Background(), s, "")
		if err != nil {
			t.Fatalf("%s: %v", s.Name(), err)
		}
		p := merged(pages)
		if got := [3]int{len(p.Identities), len(p.Activities), len(p.Rejects)}; got != wantCounts[s.Name()] {
			t.Errorf("%s: identities, activities, rejects = %v, want %v", s.Name(), got, wantCounts[s.Name()])
		}
	}
}

func TestCSV_READMEShowsTheSample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```yaml\n"+csvconn.SampleConfig()+"```") {
		t.Error("README.md does not show sample.yaml as it is; copy it in again")
	}
}

func TestCSV_RegisterTwicePanics(t *testing.T) {
	r := connectors.NewRegistry()
	csvconn.Register(r)
	defer func() {
		if recover() == nil {
			t.Error("registering csv twice did not panic")
		}
	}()
	csvconn.Register(r)
}

func TestOptions_Validate(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // every problem, as printed
	}{
		{
			name: "valid, with defaults",
			yaml: "customers: {path: c.csv, id_column: ID, columns: {電話: phone, 携帯: phone, Mail: email, Mail2: email}}",
		},
		{
			name: "valid, everything set",
			yaml: `
page_size: 10
customers: {path: c.tsv, id_column: ID, encoding: shift_jis, delimiter: "\t"}
purchases: {path: s.csv, id_column: No, customer_column: ID, encoding: utf-8, delimiter: ";", currency: usd, columns: {日付: occurred_at, 金額: amount, 通貨: currency, 摘要: summary}}
`,
		},
		{
			name: "nothing to read",
			yaml: "page_size: 5",
			want: []string{`nayose.yaml:1:1: connectors[0].options: set customers, purchases or both, each naming a CSV file to read`},
		},
		{
			name: "page size",
			yaml: "page_size: 0\ncustomers: {path: c.csv, id_column: ID}",
			want: []string{`nayose.yaml:1:12: connectors[0].options.page_size: page_size must be at least 1`},
		},
		{
			name: "path and id_column required",
			yaml: "customers:\n  columns: {氏名: full_name}\n",
			want: []string{
				`nayose.yaml:2:3: connectors[0].options.customers.path: path is required: the file to read, relative to the configuration file`,
				`nayose.yaml:2:3: connectors[0].options.customers.id_column: id_column is required: the header of the column holding each row's id`,
			},
		},
		{
			name: "unknown key",
			yaml: "customers:\n  pth: c.csv\n  id_column: ID\n",
			// Options validate only once they decode cleanly, so the
			// misspelt path is not also reported missing.
			want: []string{
				`nayose.yaml:2:3: connectors[0].options.customers: unknown field "pth" (did you mean "path"?)`,
			},
		},
		{
			name: "unknown field with a suggestion",
			yaml: "customers:\n  path: c.csv\n  id_column: ID\n  columns:\n    メール: emial\n    会社: firm\n",
			want: []string{
				`nayose.yaml:5:10: connectors[0].options.customers.columns.メール: "emial" is not a customer field (did you mean "email"?)`,
				`nayose.yaml:6:9: connectors[0].options.customers.columns.会社: "firm" is not a customer field (allowed: full_name, family_name, given_name, name_kana, email, phone, birthday, postal_code, address, company, updated_at, marketing_consent)`,
			},
		},
		{
			name: "single field from two columns",
			yaml: "customers:\n  path: c.csv\n  id_column: ID\n  columns:\n    氏名: full_name\n    名前: full_name\n",
			want: []string{
				`nayose.yaml:5:9: connectors[0].options.customers.columns.氏名: full_name is already mapped from 名前; only email and phone may come from several columns`,
			},
		},
		{
			name: "encoding and delimiter",
			yaml: "customers:\n  path: c.csv\n  id_column: ID\n  encoding: shiftjis\n  delimiter: ';;'\n",
			want: []string{
				`nayose.yaml:4:13: connectors[0].options.customers.encoding: "shiftjis" is not an encoding (did you mean "shift_jis"?)`,
				`nayose.yaml:5:14: connectors[0].options.customers.delimiter: delimiter ";;" must be one character, like "," or "\t"`,
			},
		},
		{
			name: "encoding far from any",
			yaml: "customers: {path: c.csv, id_column: ID, encoding: ebcdic}",
			want: []string{
				`nayose.yaml:1:51: connectors[0].options.customers.encoding: "ebcdic" is not an encoding (allowed: auto, utf-8, shift_jis)`,
			},
		},
		{
			name: "purchases need occurred_at and a known currency",
			yaml: "purchases:\n  path: s.csv\n  id_column: No\n  currency: YEN\n  columns: {金額: amount, 日付: ocurred_at}\n",
			want: []string{
				`nayose.yaml:4:13: connectors[0].options.purchases.currency: "YEN" is not an ISO 4217 currency code (like JPY, USD, EUR)`,
				`nayose.yaml:5:12: connectors[0].options.purchases.columns: no column is mapped to occurred_at; purchases need the column holding their date, like 日付: occurred_at`,
				`nayose.yaml:5:29: connectors[0].options.purchases.columns.日付: "ocurred_at" is not a purchase field (did you mean "occurred_at"?)`,
			},
		},
		{
			name: "purchases without columns",
			yaml: "purchases: {path: s.csv, id_column: No}",
			want: []string{
				`nayose.yaml:1:12: connectors[0].options.purchases.columns: no column is mapped to occurred_at; purchases need the column holding their date, like 日付: occurred_at`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := decodeOptions(t, tt.yaml)
			var got []string
			if err := problems.Err(); err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestOptions_Defaults(t *testing.T) {
	r := connectors.NewRegistry()
	csvconn.Register(r)
	cfg, err := config.Parse("nayose.yaml", []byte(`
connectors:
  - name: shop
    type: csv
    schedule: "@daily"
    options:
      purchases: {path: s.csv, id_column: No, columns: {日付: occurred_at, 金額: amount}}
`), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Build(cfg, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	opts, problems := decodeOptions(t, "purchases: {path: s.csv, id_column: No, columns: {日付: occurred_at}}")
	if len(problems) > 0 || opts.PageSize != csvconn.DefaultPageSize {
		t.Errorf("page_size = %d, problems %v; want the default %d", opts.PageSize, problems, csvconn.DefaultPageSize)
	}
}
