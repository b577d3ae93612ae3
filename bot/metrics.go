package bot

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts what the scheduler and the senders do. main builds one on
// its own registry (no global registration) and hands it to both; a nil
// *Metrics counts nothing.
type Metrics struct {
	JobRuns   *prometheus.CounterVec // by job and result: ran, skipped, failed
	Delivered *prometheus.CounterVec // by platform
	Failed    *prometheus.CounterVec // by platform and kind: retry, permanent, rate_limited
}

// NewMetrics registers the bot's metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		JobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "referbot_job_runs_total", Help: "Scheduled job runs by job and result (ran, skipped: another replica or an earlier run had it, failed, stopped: cancelled by shutdown, run at the next start).",
		}, []string{"job", "result"}),
		Delivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "referbot_outbox_delivered_total", Help: "Outbox messages delivered, by platform.",
		}, []string{"platform"}),
		Failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "referbot_outbox_failed_total", Help: "Failed delivery attempts, by platform and kind (retry, permanent; rate_limited: a wait that uses up no attempt).",
		}, []string{"platform", "kind"}),
	}
	reg.MustRegister(m.JobRuns, m.Delivered, m.Failed)
	return m
}
