package config

import "time"

// NotifyRules say which alerts are raised, and when.
type NotifyRules struct {
	NewInquiry NewInquiryRule `yaml:"new_inquiry"`
	Dormant    DormantRule    `yaml:"dormant"`
}

// NewInquiryRule alerts once per new inquiry: a booking-form answer, a
// form or email inquiry, or the first message someone sends from a social
// inbox; checked after every sync.
type NewInquiryRule struct {
	// Off turns the rule off.
	Off bool `yaml:"off"`
	// MaxAge: an inquiry older than this when nayose first sees it (a first
	// import of history) is not news. Default 72h.
	MaxAge Duration `yaml:"max_age"`
}

// DormantRule sends, on its schedule, a digest of the customers who became
// dormant since the last one; each customer once per dormancy episode.
type DormantRule struct {
	// Off turns the rule off.
	Off bool `yaml:"off"`
	// Schedule is when the digest goes, in Timezone. Default "0 9 * * 1"
	// (Monday 9:00).
	Schedule Schedule `yaml:"schedule"`
	// MinPurchases and MinNetSales (minor units) keep the digest to good
	// customers. Defaults 2 and 0.
	MinPurchases int   `yaml:"min_purchases"`
	MinNetSales  int64 `yaml:"min_net_sales"`
}

func defaultRules() NotifyRules {
	r := NotifyRules{
		NewInquiry: NewInquiryRule{MaxAge: Duration(72 * time.Hour)},
		Dormant:    DormantRule{MinPurchases: 2},
	}
	if err := r.Dormant.Schedule.parse("0 9 * * 1"); err != nil {
		panic("config: the default dormant digest schedule does not parse: " + err.Error())
	}
	return r
}

func checkRules(c *Checker, r *NotifyRules) {
	if r.NewInquiry.MaxAge <= 0 {
		c.Errorf("notify.rules.new_inquiry.max_age", "must be more than zero (like 72h)")
	}
	if r.Dormant.MinPurchases < 0 {
		c.Errorf("notify.rules.dormant.min_purchases", "must not be negative")
	}
	if r.Dormant.MinNetSales < 0 {
		c.Errorf("notify.rules.dormant.min_net_sales", "must not be negative")
	}
}
