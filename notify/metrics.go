package notify

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts what notifiers and the Outbox do. A nil *Metrics counts
// nothing.
type Metrics struct {
	messages    *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	alerts      *prometheus.CounterVec
	held        prometheus.Gauge
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nayose_notify_messages_total", Help: "Messages posted to Slack, by channel and outcome (sent, failed).",
		}, []string{"channel", "outcome"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nayose_notify_rate_limit_waits_total", Help: "Times a post waited out Slack's Retry-After.",
		}, []string{"channel"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nayose_alerts_total", Help: "Alerts the outbox delivered (sent) or failed to deliver and kept for a retry (failed).",
		}, []string{"outcome"}),
		held: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nayose_alerts_held", Help: "Alerts held back by quiet hours at the last delivery.",
		}),
	}
	reg.MustRegister(m.messages, m.rateLimited, m.alerts, m.held)
	return m
}

func (m *Metrics) message(channel, outcome string) {
	if m != nil {
		m.messages.WithLabelValues(channel, outcome).Inc()
	}
}

func (m *Metrics) rateLimit(channel string) {
	if m != nil {
		m.rateLimited.WithLabelValues(channel).Inc()
	}
}

func (m *Metrics) delivered(outcome string, n int) {
	if m != nil && n > 0 {
		m.alerts.WithLabelValues(outcome).Add(float64(n))
	}
}

func (m *Metrics) setHeld(n int) {
	if m != nil {
		m.held.Set(float64(n))
	}
}
