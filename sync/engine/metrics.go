package engine

import (
	"github.com/nayose/nayose/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the engine's Prometheus metrics, labelled by connector and
// stream. A nil *Metrics records nothing.
type Metrics struct {
	runs        *prometheus.CounterVec
	pages       *prometheus.CounterVec
	records     *prometheus.CounterVec
	rejected    *prometheus.CounterVec
	errors      *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
	duration    *prometheus.HistogramVec
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	labels := []string{"connector", "stream"}
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nayose_sync_runs_total", Help: "Stream runs, by how they ended (succeeded, failed, canceled).",
		}, append(labels, "status")),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nayose_sync_pages_total", Help: "Pages committed.",
		}, labels),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nayose_sync_records_total", Help: "Records read from sources and written to the database.",
		}, append(labels, "outcome")),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nayose_sync_rejected_records_total", Help: "Records sent to rejected_records.",
		}, labels),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nayose_sync_errors_total", Help: "Stream runs that failed.",
		}, labels),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "nayose_sync_last_success_timestamp_seconds", Help: "Unix time of the last successful run.",
		}, labels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "nayose_sync_run_duration_seconds", Help: "How long stream runs take.",
			Buckets: prometheus.ExponentialBuckets(0.05, 4, 9),
		}, labels),
	}
	reg.MustRegister(m.runs, m.pages, m.records, m.rejected, m.errors, m.lastSuccess, m.duration)
	return m
}

func (m *Metrics) page(connector, stream string, b batch, n pageCounts) {
	if m == nil {
		return
	}
	m.pages.WithLabelValues(connector, stream).Add(float64(b.pages))
	m.records.WithLabelValues(connector, stream, "read").Add(float64(b.page.Len()))
	m.records.WithLabelValues(connector, stream, "written").Add(float64(n.written))
}

func (m *Metrics) observe(connector string, sr StreamResult) {
	if m == nil {
		return
	}
	m.runs.WithLabelValues(connector, sr.Stream, sr.Status).Inc()
	m.rejected.WithLabelValues(connector, sr.Stream).Add(float64(sr.Rejected))
	m.duration.WithLabelValues(connector, sr.Stream).Observe(sr.Duration.Seconds())
	switch sr.Status {
	case store.RunSucceeded:
		m.lastSuccess.WithLabelValues(connector, sr.Stream).SetToCurrentTime()
	case store.RunFailed:
		m.errors.WithLabelValues(connector, sr.Stream).Inc()
	}
}
