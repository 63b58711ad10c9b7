package metrics

import (
	"math"
	"time"
)

// Cuts are the quintile boundaries of the customers who bought, by which
// each is scored 1–5 (5 best): for each of the lower four fifths, the
// highest value in it. With customers ranked 1..n from worst to best, the
// fifth i (1–4) ends at rank floor(n·i/5); a fifth with no customer (fewer
// than five buyers) has no cut, so nobody scores that low. Customers tied
// with a cut score with the fifth it ends.
type Cuts struct {
	// Recency: last purchase times, oldest worst. A zero time is no cut.
	Recency [4]time.Time `json:"recency"`
	// Frequency: purchase counts.
	Frequency [4]int64 `json:"frequency"`
	// Monetary: net sales in minor units.
	Monetary [4]int64 `json:"monetary"`
}

// NoCut marks a fifth with no customer in Frequency and Monetary.
const NoCut = math.MinInt64

// CutRanks returns the ranks (1-based, worst first) whose values are the
// cuts among n customers; 0 where a fifth is empty.
func CutRanks(n int64) [4]int64 {
	var out [4]int64
	for i := range out {
		out[i] = n * int64(i+1) / 5
	}
	return out
}

// Score places a customer in the quintiles: 5 is best on each axis.
func (c Cuts) Score(lastPurchase time.Time, purchases int, net int64) (r, f, m int) {
	r = 5
	for i, cut := range c.Recency {
		if !cut.IsZero() && !lastPurchase.After(cut) {
			r = i + 1
			break
		}
	}
	return r, quintile(c.Frequency, int64(purchases)), quintile(c.Monetary, net)
}

// quintile returns 1 for a value in the first fifth up to 5 for the last.
func quintile(cuts [4]int64, v int64) int {
	for i, c := range cuts {
		if c != NoCut && v <= c {
			return i + 1
		}
	}
	return 5
}

// RecencyDays is how many days have passed since last, counted as whole
// days in loc: a purchase today is 0.
func RecencyDays(last, now time.Time, loc *time.Location) float64 {
	if loc == nil {
		loc = defaultLocation
	}
	a, b := startOfDay(last, loc), startOfDay(now, loc)
	// Rounding absorbs the hour a daylight-saving shift adds or takes.
	return max(math.Round(b.Sub(a).Hours()/24), 0)
}

// Segment names a customer's RFM scores, from R and the rounded mean of F
// and M. The names are stable: BI dashboards filter on them.
func Segment(r, f, m int) string {
	fm := (f + m + 1) / 2
	switch {
	case r >= 4 && fm >= 4:
		return "champions"
	case r == 3 && fm >= 4:
		return "loyal"
	case r >= 4 && fm >= 2:
		return "potential_loyalist"
	case r == 5:
		return "new"
	case r == 4:
		return "promising"
	case r == 3 && fm == 3:
		return "need_attention"
	case r == 3:
		return "about_to_sleep"
	case r == 1 && fm == 5:
		return "cant_lose_them"
	case fm >= 3:
		return "at_risk"
	case r == 2:
		return "hibernating"
	default:
		return "lost"
	}
}
