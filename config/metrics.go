package config

// Metrics sets how customer metrics are judged. Days are counted in
// Timezone.
type Metrics struct {
	// DormantAfterDays: a customer who bought is dormant after this many
	// days without a purchase. Default 180.
	DormantAfterDays int `yaml:"dormant_after_days"`
	// RhythmFactor, above zero, judges customers with enough history by
	// their own rhythm instead: dormant once silent for this many times
	// their median gap between purchases (3 is a common choice). Default 0
	// (off).
	RhythmFactor float64 `yaml:"rhythm_factor"`
	// RhythmMinPurchases is the history the rhythm needs. Default 4.
	RhythmMinPurchases int `yaml:"rhythm_min_purchases"`
	// OpportunityDays: someone who never bought but booked or asked within
	// this many days is an opportunity. Default 30.
	OpportunityDays int `yaml:"opportunity_days"`
	// Refresh is when every customer's metrics are recomputed (recency
	// changes with time, not only with data). Default "0 4 * * *".
	Refresh Schedule `yaml:"refresh"`
}

func defaultMetrics() Metrics {
	m := Metrics{DormantAfterDays: 180, RhythmMinPurchases: 4, OpportunityDays: 30}
	if err := m.Refresh.parse("0 4 * * *"); err != nil {
		panic("config: the default metrics refresh schedule does not parse: " + err.Error())
	}
	return m
}

// checkMetrics checks the metrics thresholds.
func checkMetrics(c *Checker, m *Metrics) {
	if m.DormantAfterDays < 1 {
		c.Errorf("metrics.dormant_after_days", "must be at least 1 (days without a purchase; default 180)")
	}
	if m.RhythmFactor < 0 {
		c.Errorf("metrics.rhythm_factor", "must not be negative (0 turns the rhythm off; 3 is a common choice)")
	}
	if m.RhythmMinPurchases < 2 {
		c.Errorf("metrics.rhythm_min_purchases", "must be at least 2 (a rhythm needs a gap between purchases; default 4)")
	}
	if m.OpportunityDays < 1 {
		c.Errorf("metrics.opportunity_days", "must be at least 1 (default 30)")
	}
}
