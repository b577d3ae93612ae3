// Command referbot runs the referral exchange bot.
//
//	referbot [serve]        run the bot (the local console when no chat credentials are set)
//	referbot console        run the terminal chat
//	referbot migrate        apply database migrations and exit
//	referbot jobs list      the scheduled jobs and their schedules
//	referbot jobs run NAME [--at RFC3339]
//	referbot seed demo      fill the console network with demo data
//	referbot seed --workspaces N --members M --referrals R [--years Y] [--seed S]
//	                        bulk-load a generated data set (COPY)
//
// Configuration comes from the environment; see README.md and .env.example.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/referbot/referbot/adapters/console"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/scheduler"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/localpg"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		err = nil // interrupted (Ctrl-C) while starting or stopping: not a failure
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "referbot:", err)
		os.Exit(1)
	}
}

// Main is the wired program: configuration, database, core, bot.
type Main struct {
	Config  Config
	Log     *slog.Logger
	DB      *postgres.DB
	Svc     *core.Service
	Bot     *bot.Bot
	Metrics *bot.Metrics
	reg     *prometheus.Registry
	pg      *localpg.Server
}

// metricsRegistry builds the registry /metrics serves: Go and process
// collectors, the bot's counters and the outbox depth.
func (m *Main) metricsRegistry() *prometheus.Registry {
	if m.reg != nil {
		return m.reg
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.Metrics = bot.NewMetrics(reg)
	depth := func(pick func(pending, failed int64) int64) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			p, f, err := m.DB.OutboxDepth(ctx)
			if err != nil {
				return -1
			}
			return float64(pick(p, f))
		}
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "referbot_outbox_pending", Help: "Messages waiting to be delivered."},
			depth(func(p, _ int64) int64 { return p })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "referbot_outbox_undeliverable", Help: "Messages that failed for good (shown to admins)."},
			depth(func(_, f int64) int64 { return f })),
	)
	m.reg = reg
	return reg
}

// Open connects to DATABASE_URL, or starts the private PostgreSQL, and
// applies migrations.
func (m *Main) Open(ctx context.Context) error {
	url := m.Config.DatabaseURL
	if url == "" {
		srv, err := localpg.Start(ctx, localpg.Options{
			DataDir: filepath.Join(m.Config.DataDir, "pgdata"), Logger: m.Log})
		if err != nil {
			return err
		}
		m.pg = srv
		url = srv.URL("referbot")
		m.Log.Info("started local PostgreSQL", "data", filepath.Join(m.Config.DataDir, "pgdata"))
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	m.DB = db
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	m.Svc = core.NewService(db, core.Options{Location: m.Config.TimeZone, Retention: m.Config.Retention(),
		Secret: []byte(m.Config.Secret)})
	m.Bot = bot.New(m.Svc, m.Log, bot.WithPublicURL(m.Config.PublicURL))
	return nil
}

// dataPlace says where the network's data is kept, for people: the
// private PostgreSQL's data folder, or the database DATABASE_URL names.
func (m *Main) dataPlace() string {
	if m.Config.DatabaseURL != "" {
		return "the PostgreSQL database DATABASE_URL names"
	}
	dir, err := filepath.Abs(m.Config.DataDir)
	if err != nil {
		dir = m.Config.DataDir
	}
	return dir + string(filepath.Separator) + " (REFERBOT_DATA_DIR)"
}

// Close releases the database and stops the private PostgreSQL.
func (m *Main) Close() error {
	if m.DB != nil {
		m.DB.Close()
	}
	if m.pg != nil {
		return m.pg.Stop()
	}
	return nil
}

// Run parses the subcommand and runs it until ctx ends.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	sub, explicit := "serve", len(args) > 0
	if explicit {
		sub, args = args[0], args[1:]
	}
	// With no subcommand and no chat credentials, try the console: the
	// one-command demo. `referbot serve` always serves HTTP.
	if sub == "serve" && !explicit && !cfg.HasChat() {
		sub = "console"
	}
	interactive := isTerminal(stdin)
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[cfg.LogLevel]
	if sub == "console" || sub == "seed" || sub == "jobs" {
		level = max(level, slog.LevelWarn) // keep the chat transcript clean
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	if cfg.LogFormat == "json" {
		handler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	}
	log := slog.New(handler)
	m := &Main{Config: cfg, Log: log}
	var (
		seedSpec postgres.SeedSpec
		seedDemo bool
	)

	switch sub {
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	case "healthcheck":
		if len(args) > 0 {
			return fmt.Errorf("healthcheck takes no arguments\n%s", usage)
		}
		return healthcheck(ctx, cfg.Addr)
	case "serve", "console", "migrate":
	case "jobs":
		if err := checkJobArgs(args); err != nil {
			return err
		}
	case "seed":
		if seedSpec, seedDemo, err = parseSeedArgs(args); err != nil {
			return err
		}
		args = nil
	default:
		return fmt.Errorf("unknown subcommand %q\n%s", sub, usage)
	}
	if len(args) > 0 && sub != "jobs" {
		return fmt.Errorf("%s takes no arguments\n%s", sub, usage)
	}
	if err := m.Open(ctx); err != nil {
		m.Close()
		return err
	}
	defer m.Close()
	switch {
	case sub == "migrate":
		fmt.Fprintln(stdout, "migrations applied")
		return nil
	case sub == "seed" && seedDemo:
		return m.seedDemo(ctx, stdout)
	case sub == "seed":
		return m.seedBulk(ctx, seedSpec, stdout)
	case sub == "jobs":
		return m.jobsCommand(ctx, args, stdout)
	case sub == "console":
		return m.RunConsole(ctx, stdin, stdout, !interactive)
	}
	if !cfg.HasChat() {
		log.Warn("no chat credentials set: serving only /healthz, /readyz, /metrics and /dashboard/ (and running the scheduler)")
	}
	return m.Serve(ctx)
}

const usage = `usage: referbot [serve|console|migrate|healthcheck|jobs|seed demo]
  serve      run the bot: HTTP endpoints, chat adapters, scheduler (with no subcommand and
             no chat credentials, referbot runs the console instead)
  console    run the terminal chat on the same core
  migrate    apply database migrations and exit
  healthcheck
             exit 0 when /readyz on REFERBOT_ADDR answers 200 (for HEALTHCHECK)
  jobs list  the scheduled jobs, their schedules, last and next runs
  jobs run NAME [--at RFC3339]
             run one job now (or as if at that instant); a period runs once
  seed demo  fill the console network with demo members and referrals
  seed --workspaces N --members M --referrals R [--years Y] [--seed S]
             bulk-load a generated data set with COPY (for benchmarks)`

// RunConsole runs the terminal chat, delivering the outbox after each line.
func (m *Main) RunConsole(ctx context.Context, in io.Reader, out io.Writer, echo bool) error {
	c := console.New(m.Bot, out)
	c.Echo = echo
	c.Data = m.dataPlace()
	// One message at a time: the terminal shows them in the order they were caused.
	s := &sender.Sender{Outbox: m.DB, Platform: core.Console, Messenger: c.Messenger(), Now: m.Svc.Now, Log: m.Log, Workers: 1,
		Render: m.Bot.RenderNotice}
	c.Deliver = func(ctx context.Context) error {
		_, err := s.DeliverAll(ctx)
		return err
	}
	defer m.consoleDashboard()()
	return c.Run(ctx, in)
}

// Serve runs the HTTP server and the configured chat adapters.
func (m *Main) Serve(ctx context.Context) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	chats, err := m.chats()
	if err != nil {
		return err
	}
	mux.HandleFunc("GET /readyz", m.readyz(chats))
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.metricsRegistry(), promhttp.HandlerOpts{}))
	m.dashboard().Routes(mux)
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("REFERBOT_ADDR %s: %w", m.Config.Addr, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var running sync.WaitGroup // chat connections and outbox senders
	for _, c := range chats {
		c.Sender = &sender.Sender{Outbox: m.DB, Platform: c.Platform, Messenger: c.Messenger, Now: m.Svc.Now,
			Render: m.Bot.RenderNotice, Log: m.Log, Metrics: m.Metrics, PerDestination: c.PerDestination}
		if c.Routes != nil {
			c.Routes(mux)
		}
		running.Add(1)
		go func() {
			defer running.Done() // calls in flight finish, unsent notices are handed back
			c.Sender.Run(ctx, 2*time.Second)
		}()
		if c.Run != nil {
			running.Add(1)
			go func() {
				defer running.Done()
				if err := c.Run(ctx); err != nil && ctx.Err() == nil {
					m.Log.Error("chat connection ended", "platform", c.Platform, "err", err)
				}
			}()
		}
	}
	// Scheduled jobs: every replica runs the scheduler; each period is
	// claimed in PostgreSQL, so only one of them posts.
	sched := &scheduler.Scheduler{Svc: m.Svc, Log: m.Log}
	if m.Metrics != nil {
		sched.Runs = m.Metrics.JobRuns
	}
	go sched.Run(ctx, time.Minute)
	srv := newHTTPServer(mux)
	m.Log.Info("listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// Replies already promised to Slack or Discord still go out.
	finished := make(chan struct{})
	go func() {
		running.Wait()
		for _, c := range chats {
			if c.Wait != nil {
				c.Wait()
			}
		}
		close(finished)
	}()
	select {
	case <-finished:
	case <-shut.Done():
		m.Log.Warn("shutdown: gave up waiting for chat replies in flight")
	}
	return nil
}

// newHTTPServer serves h with timeouts, so slow or idle connections can't
// pile up: chat platforms send small bodies and want answers within 3 s.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 90 * time.Second, MaxHeaderBytes: 64 << 10}
}

// readyz answers 200 when the database and every configured chat
// connection are up, else 503; the body lists each, so an operator sees
// which one is down. /healthz stays the process check.
func (m *Main) readyz(chats []*chat) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var lines []string
		ok := true
		check := func(name string, err error) {
			if err != nil {
				ok = false
				lines = append(lines, name+": "+err.Error())
				return
			}
			lines = append(lines, name+": ok")
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := m.DB.Ping(ctx); err != nil {
			check("database", errors.New("unavailable"))
		} else {
			check("database", nil)
		}
		for _, c := range chats {
			if c.Ready != nil {
				check(string(c.Platform), c.Ready())
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		io.WriteString(w, strings.Join(lines, "\n")+"\n")
	}
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
