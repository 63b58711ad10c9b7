package metrics

import (
	"testing"
	"time"
)

var jst = time.FixedZone("JST", 9*60*60)

func at(s string) *time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, jst)
	if err != nil {
		panic(err)
	}
	return &t
}

func purchases(n int, yen int64, first, last string) Totals {
	return Totals{Kind: kindPurchase, Currency: "JPY", N: n, Amount: yen, First: at(first), Last: at(last)}
}

func TestCompute_StagesAndSales(t *testing.T) {
	now := *at("2026-12-05 10:00")
	opts := Options{Location: jst}
	tests := []struct {
		name      string
		facts     Facts
		stage     string
		gross     int64
		net       int64
		dormantAt *time.Time
	}{
		{name: "subscriber who never bought", stage: StageProspect,
			facts: Facts{Totals: []Totals{{Kind: "subscribe", N: 1, First: at("2026-01-01 09:00"), Last: at("2026-01-01 09:00")}}}},
		{name: "asked last week", stage: StageOpportunity,
			facts: Facts{Totals: []Totals{{Kind: kindInquiry, N: 1, First: at("2026-11-28 09:00"), Last: at("2026-11-28 09:00"), Recent: 1}}}},
		{name: "booked long ago, never came", stage: StageProspect,
			facts: Facts{Totals: []Totals{{Kind: kindBooking, N: 1, First: at("2026-06-01 09:00"), Last: at("2026-06-01 09:00")}}}},
		{name: "one purchase with a discount", stage: StageCustomer, gross: 5500, net: 5000,
			facts: Facts{Totals: []Totals{purchases(1, 5000, "2026-11-01 12:00", "2026-11-01 12:00"),
				{Kind: kindDiscount, Currency: "JPY", N: 1, Amount: 500, First: at("2026-11-01 12:00"), Last: at("2026-11-01 12:00")}}}},
		{name: "two purchases, one refunded in part", stage: StageRepeat, gross: 8000, net: 6500,
			facts: Facts{Totals: []Totals{purchases(2, 8000, "2026-09-01 12:00", "2026-11-01 12:00"),
				{Kind: kindRefund, Currency: "JPY", N: 1, Amount: 1500, First: at("2026-11-02 12:00"), Last: at("2026-11-02 12:00")}}}},
		{name: "silent 200 days", stage: StageDormant, gross: 12000, net: 12000, dormantAt: at("2026-11-14 00:00"),
			facts: Facts{Totals: []Totals{purchases(3, 12000, "2025-01-10 12:00", "2026-05-18 23:30")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compute(tt.facts, now, opts)
			if got.Stage != tt.stage || got.GrossSales != tt.gross || got.NetSales != tt.net {
				t.Errorf("stage %s, gross %d, net %d; want %s, %d, %d", got.Stage, got.GrossSales, got.NetSales, tt.stage, tt.gross, tt.net)
			}
			if (got.DormantSince == nil) != (tt.dormantAt == nil) || (got.DormantSince != nil && !got.DormantSince.Equal(*tt.dormantAt)) {
				t.Errorf("dormant since %v, want %v", got.DormantSince, tt.dormantAt)
			}
		})
	}
}

func TestCompute_DormancyCountsDaysInTheConfiguredZone(t *testing.T) {
	// Bought at 23:30 in Tokyo, which is still the previous day in UTC: the
	// 180 days start from the Tokyo day.
	last := at("2026-05-18 23:30")
	facts := Facts{Totals: []Totals{purchases(1, 3000, "2026-05-18 23:30", "2026-05-18 23:30")}}
	threshold := *at("2026-11-14 00:00") // 2026-05-18 + 180 days
	if got := Compute(facts, threshold.Add(-time.Minute), Options{Location: jst}); got.Stage != StageCustomer {
		t.Errorf("a minute before the 180th day: %s, want customer", got.Stage)
	}
	got := Compute(facts, threshold, Options{Location: jst})
	if got.Stage != StageDormant || !got.DormantSince.Equal(threshold) {
		t.Errorf("on the 180th day: %s since %v, want dormant since %v (last purchase %v)", got.Stage, got.DormantSince, threshold, last)
	}
}

func TestCompute_OwnRhythm(t *testing.T) {
	// A monthly customer is overdue after three missed months; a fixed
	// 180 days would wait twice as long.
	var times []time.Time
	for m := 1; m <= 6; m++ {
		times = append(times, time.Date(2026, time.Month(m), 1, 12, 0, 0, 0, jst))
	}
	facts := Facts{Totals: []Totals{purchases(6, 6000, "2026-01-01 12:00", "2026-06-01 12:00")}, PurchaseTimes: times}
	opts := Options{Location: jst, RhythmFactor: 3}
	now := *at("2026-10-01 12:00")
	got := Compute(facts, now, opts)
	if got.Stage != StageDormant || got.DormantSince == nil || got.DormantSince.After(now) || got.DormantSince.Before(*at("2026-08-25 00:00")) {
		t.Errorf("monthly buyer four months on: %s since %v, want dormant since about 2026-08-30", got.Stage, got.DormantSince)
	}
	// Too little history: the fixed threshold applies.
	few := Facts{Totals: []Totals{purchases(2, 2000, "2026-05-01 12:00", "2026-06-01 12:00")}, PurchaseTimes: times[4:]}
	if got := Compute(few, now, opts); got.Stage != StageRepeat {
		t.Errorf("two purchases, four months on: %s, want repeat under the fixed 180 days", got.Stage)
	}
	if opts.NeedsPurchaseTimes(2) || !opts.WithDefaults().NeedsPurchaseTimes(4) {
		t.Error("purchase times are needed from RhythmMinPurchases (4) on")
	}
}

func TestCompute_ContactsAndLTV(t *testing.T) {
	now := *at("2026-12-05 10:00")
	facts := Facts{Totals: []Totals{
		purchases(4, 40000, "2024-12-05 10:00", "2026-11-20 10:00"),
		{Kind: kindBooking, N: 5, Recent: 2, First: at("2025-01-01 10:00"), Last: at("2026-11-30 10:00")},
		{Kind: kindEmailClick, N: 9, Recent: 3, First: at("2025-01-01 10:00"), Last: at("2026-12-01 10:00")},
		{Kind: "email_open", N: 20, Recent: 10, First: at("2025-01-01 10:00"), Last: at("2026-12-01 10:00")},
	}}
	got := Compute(facts, now, Options{Location: jst})
	if got.Contacts90d != 5 {
		t.Errorf("contacts in 90 days = %d, want 5 (bookings and clicks, not opens)", got.Contacts90d)
	}
	// Two years of history: 20,000 a year, so one more year adds 20,000.
	if got.LTV < 59900 || got.LTV > 60100 {
		t.Errorf("LTV = %d, want about 60,000", got.LTV)
	}
	if !got.FirstPurchaseAt.Equal(*at("2024-12-05 10:00")) || !got.LastActivityAt.Equal(*at("2026-12-01 10:00")) {
		t.Errorf("first purchase %v, last activity %v", got.FirstPurchaseAt, got.LastActivityAt)
	}
}

func TestRFM_ScoresAndSegments(t *testing.T) {
	now := *at("2026-12-05 10:00")
	ago := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	c := Cuts{Recency: [4]time.Time{ago(180), ago(90), ago(30), ago(10)},
		Frequency: [4]int64{1, 2, 3, 5}, Monetary: [4]int64{3000, 8000, 15000, 40000}}
	tests := []struct {
		days    int
		n       int
		net     int64
		r, f, m int
		segment string
	}{
		{3, 12, 90000, 5, 5, 5, "champions"},
		{45, 6, 50000, 3, 5, 5, "loyal"},
		{5, 1, 2000, 5, 1, 1, "new"},
		{20, 1, 2500, 4, 1, 1, "promising"},
		{400, 8, 120000, 1, 5, 5, "cant_lose_them"},
		{150, 3, 12000, 2, 3, 3, "at_risk"},
		{500, 1, 1000, 1, 1, 1, "lost"},
	}
	for _, tt := range tests {
		r, f, m := c.Score(ago(tt.days), tt.n, tt.net)
		if r != tt.r || f != tt.f || m != tt.m || Segment(r, f, m) != tt.segment {
			t.Errorf("score(%v days, %d, %d) = %d%d%d %s; want %d%d%d %s", tt.days, tt.n, tt.net, r, f, m, Segment(r, f, m), tt.r, tt.f, tt.m, tt.segment)
		}
	}
	if d := RecencyDays(*at("2026-12-04 23:50"), *at("2026-12-05 00:10"), jst); d != 1 {
		t.Errorf("recency across midnight in Tokyo = %v days, want 1", d)
	}
}

func TestRFM_FewBuyersStillGiveTheBestAFive(t *testing.T) {
	// Three buyers: ranks 1..3; the fifths end at ranks 0, 1, 1, 2.
	if got := CutRanks(3); got != [4]int64{0, 1, 1, 2} {
		t.Fatalf("CutRanks(3) = %v", got)
	}
	c := Cuts{Frequency: [4]int64{NoCut, 1, 1, 2}, Monetary: [4]int64{NoCut, 1000, 1000, 5000}}
	for _, tt := range []struct {
		n      int
		net    int64
		scoreF int
	}{{1, 1000, 2}, {2, 5000, 4}, {4, 20000, 5}} {
		_, f, m := c.Score(time.Time{}, tt.n, tt.net)
		if f != tt.scoreF || m != tt.scoreF {
			t.Errorf("%d purchases, %d net: F%d M%d, want %d", tt.n, tt.net, f, m, tt.scoreF)
		}
	}
	if got := CutRanks(100); got != [4]int64{20, 40, 60, 80} {
		t.Errorf("CutRanks(100) = %v", got)
	}
}
