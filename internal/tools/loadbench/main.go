// Command loadbench measures a signed Slack `/refer` that creates a
// referral, against referbot's own HTTP endpoint and, in the same run, a
// floor: the least a handler could do for the same request (check the
// Slack signature, INSERT one row with pgx). It starts a throwaway
// PostgreSQL, a fake Slack Web API (users.info, chat.postMessage), the
// floor in-process and referbot as a child process, then sends commands
// from N concurrent clients for T seconds to each target, alternating, in
// one workspace and in many, and prints throughput, latency percentiles,
// the ratios to the floor and referbot's resident memory.
//
//	go run ./internal/tools/loadbench -clients 16 -duration 8s -rounds 2
//
// Only loopback addresses are used; every run is bounded in time.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/referbot/referbot/internal/localpg"
	"github.com/referbot/referbot/internal/proccpu"
)

const secret = "loadbench-signing-secret"

func main() {
	clients := flag.Int("clients", 16, "concurrent clients")
	duration := flag.Duration("duration", 8*time.Second, "how long each target is loaded per round")
	rounds := flag.Int("rounds", 2, "rounds (each loads every target once)")
	workspaces := flag.Int("workspaces", 16, "workspaces in the many-workspace scenario")
	durable := flag.Bool("durable", true, "PostgreSQL with fsync on (off: faster, less like production)")
	bin := flag.String("bin", "", "referbot binary (default: built from ./cmd/referbot)")
	statements := flag.Bool("statements", false, "count the statements PostgreSQL ran for referbot (pg_stat_statements)")
	setup := flag.String("setup", "", "SQL file run on the migrated database before the load (to try what a schema change would save)")
	flag.Parse()
	if err := run(*clients, *duration, *rounds, *workspaces, *durable, *bin, *statements, *setup); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func run(clients int, duration time.Duration, rounds, workspaces int, durable bool, bin string, statements bool, setup string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "referbot-loadbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if bin == "" {
		bin = filepath.Join(dir, "referbot")
		build := exec.Command("go", "build", "-o", bin, "./cmd/referbot")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	opts := localpg.Options{DataDir: filepath.Join(dir, "pg"), Ephemeral: !durable}
	if statements {
		opts.Settings = []string{"shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all",
			"pg_stat_statements.track_planning=on"}
	}
	pg, err := localpg.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer pg.Stop()
	dbURL := pg.URL("referbot")

	slackAPI := &http.Server{Handler: fakeSlack()}
	slackLn, err := listen()
	if err != nil {
		return err
	}
	go slackAPI.Serve(slackLn)
	defer slackAPI.Close()

	floor, err := startFloor(ctx, dbURL)
	if err != nil {
		return err
	}
	defer floor.Close()

	addr, err := freeAddr()
	if err != nil {
		return err
	}
	env := append(os.Environ(), "DATABASE_URL="+dbURL, "REFERBOT_ADDR="+addr, "SLACK_SIGNING_SECRET="+secret,
		"SLACK_BOT_TOKEN=xoxb-loadbench", "SLACK_API_URL=http://"+slackLn.Addr().String()+"/api/",
		"REFERBOT_LOG_LEVEL=error")
	bot, took, err := startBot(bin, env, addr)
	if err != nil {
		return err
	}
	defer func() { stopBot(bot) }() // the one running at the end
	fmt.Printf("referbot ready %s after start (migrated on start, fresh database)\n", took.Round(time.Millisecond))
	if setup != "" {
		if err := runSetup(ctx, dbURL, setup); err != nil {
			return err
		}
	}
	procs := processes{postgres: proccpu.PostmasterPID(opts.DataDir), bot: bot.Process.Pid, wal: walPosition(floor.pool)}

	targets := []target{
		{name: "floor", url: floor.URL},
		{name: "referbot", url: "http://" + addr + "/slack/commands"},
	}
	fmt.Printf("%d clients × %s per target per round, %d rounds; signed Slack /refer creating a referral\n\n",
		clients, duration, rounds)
	for _, teams := range []int{1, workspaces} {
		compare(targets, clients, duration, rounds, teams, procs, "http://"+slackLn.Addr().String()+"/response")
	}
	var made, floorRows int64
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM referrals), (SELECT count(*) FROM floor_commands)`).Scan(&made, &floorRows)
	fmt.Printf("rows written: %d referrals by referbot, %d by the floor\n", made, floorRows)
	if statements {
		if err := printStatements(ctx, pool, made); err != nil {
			return err
		}
	}
	// A restart, as after a deploy: the database is migrated and holds
	// what the run wrote.
	stopBot(bot)
	if bot, took, err = startBot(bin, env, addr); err != nil {
		return err
	}
	fmt.Printf("referbot restarted: ready %s after start (migrated database, %d referrals)\n", took.Round(time.Millisecond), made)
	return nil
}

// startBot starts referbot serving at addr and returns it once /readyz
// answers, with how long that took.
func startBot(bin string, env []string, addr string) (*exec.Cmd, time.Duration, error) {
	bot := exec.Command(bin, "serve")
	bot.Env = env
	bot.Stderr = os.Stderr
	started := time.Now()
	if err := bot.Start(); err != nil {
		return nil, 0, err
	}
	if err := waitReady("http://" + addr + "/readyz"); err != nil {
		stopBot(bot)
		return nil, 0, err
	}
	return bot, time.Since(started), nil
}

// stopBot stops referbot and waits for it; stopping it twice is harmless.
func stopBot(bot *exec.Cmd) {
	if bot.ProcessState == nil {
		bot.Process.Signal(os.Interrupt)
		bot.Wait()
	}
}

type target struct{ name, url string }

type result struct {
	n, errs  int
	elapsed  time.Duration
	latency  []time.Duration
	rssKB    int
	firstErr string
	// CPU time used per request, by PostgreSQL and by referbot (0 for the
	// floor, which runs in this process beside the clients).
	pgCPU, botCPU time.Duration
	// CPU time per request of this process (the clients, the fake Slack
	// API and the floor's handler) and of the whole machine; with cores,
	// what the machine could serve if it did nothing else.
	selfCPU, machineCPU time.Duration
	cores               int
	walBytes            int64 // WAL written per request (every writer's: referbot's sender and jobs too)
}

func (r result) rps() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r result) pct(p int) time.Duration {
	if len(r.latency) == 0 {
		return 0
	}
	return r.latency[min(len(r.latency)-1, len(r.latency)*p/100)]
}

func (r result) String() string {
	s := fmt.Sprintf("%6.0f rps  p50 %5.1f ms  p95 %5.1f ms  p99 %5.1f ms  (%d requests, %d errors)",
		r.rps(), ms(r.pct(50)), ms(r.pct(95)), ms(r.pct(99)), r.n, r.errs)
	s += fmt.Sprintf("  per request: WAL %d B, CPU PostgreSQL %.2f ms", r.walBytes, ms(r.pgCPU))
	if r.botCPU > 0 {
		s += fmt.Sprintf(", referbot %.2f ms", ms(r.botCPU))
	}
	if r.machineCPU > 0 {
		s += fmt.Sprintf(", this process %.2f ms; whole machine %.2f ms (%d cores give at most %.0f rps at that cost)",
			ms(r.selfCPU), ms(r.machineCPU), r.cores, float64(r.cores)*float64(time.Second)/float64(r.machineCPU))
	}
	if r.rssKB > 0 {
		s += fmt.Sprintf("  peak RSS %d MB", r.rssKB/1024)
	}
	if r.firstErr != "" {
		s += "  first error: " + r.firstErr
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func best(rs []result) result {
	b := rs[0]
	for _, r := range rs[1:] {
		if r.rps() > b.rps() {
			b = r
		}
	}
	return b
}

// seq makes every request's trigger id unique across targets and rounds.
var seq atomic.Int64

// load sends signed commands from clients goroutines for d, spread over
// teams workspaces, and measures each request.
func load(t target, clients int, d time.Duration, teams int, responseURL string) result {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var (
		mu  sync.Mutex
		all result
		wg  sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs, firstErr := 0, ""
			for time.Now().Before(deadline) {
				n := seq.Add(1)
				team := fmt.Sprintf("T%03d", int(n)%teams)
				body := url.Values{"team_id": {team}, "team_domain": {"load"}, "channel_id": {"C0LOAD"},
					"user_id": {fmt.Sprintf("U%03d", n%50)}, "user_name": {"member"}, "command": {"/refer"},
					"text":         {fmt.Sprintf("<@U9%02d|partner> Client %d — a new website ~5k", n%40, n)},
					"trigger_id":   {"trig." + strconv.FormatInt(n, 10)},
					"response_url": {responseURL}}.Encode()
				ts := strconv.FormatInt(time.Now().Unix(), 10)
				req, _ := http.NewRequest(http.MethodPost, t.url, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Slack-Request-Timestamp", ts)
				req.Header.Set("X-Slack-Signature", sign(ts, body))
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all.latency = append(all.latency, lat...)
			all.n += len(lat)
			all.errs += errs
			if all.firstErr == "" {
				all.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	all.elapsed = time.Since(start)
	sort.Slice(all.latency, func(i, j int) bool { return all.latency[i] < all.latency[j] })
	return all
}

func sign(ts, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// floor is the least a Slack command handler can do: verify the request
// and INSERT one row in its own transaction.
type floor struct {
	srv  *http.Server
	pool *pgxpool.Pool
	URL  string
}

func (f *floor) Close() { f.srv.Close(); f.pool.Close() }

func startFloor(ctx context.Context, dbURL string) (*floor, error) {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS floor_commands (
		id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, team text NOT NULL, user_id text NOT NULL,
		text text NOT NULL, at timestamptz NOT NULL DEFAULT now())`); err != nil {
		pool.Close()
		return nil, err
	}
	ln, err := listen()
	if err != nil {
		pool.Close()
		return nil, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		ts := r.Header.Get("X-Slack-Request-Timestamp")
		got, _ := hex.DecodeString(strings.TrimPrefix(r.Header.Get("X-Slack-Signature"), "v0="))
		mac := hmac.New(sha256.New, []byte(secret))
		io.WriteString(mac, "v0:"+ts+":")
		mac.Write(body)
		if !hmac.Equal(got, mac.Sum(nil)) {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		f, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		if _, err := pool.Exec(r.Context(), `INSERT INTO floor_commands (team, user_id, text) VALUES ($1, $2, $3)`,
			f.Get("team_id"), f.Get("user_id"), f.Get("text")); err != nil {
			http.Error(w, "db", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"response_type":"ephemeral","text":"noted"}`)
	})
	fl := &floor{srv: &http.Server{Handler: h}, pool: pool, URL: "http://" + ln.Addr().String() + "/slack/commands"}
	go fl.srv.Serve(ln)
	return fl, nil
}

// fakeSlack answers what referbot asks of Slack's Web API under load.
func fakeSlack() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch strings.TrimPrefix(r.URL.Path, "/api/") {
		case "users.info":
			id := r.Form.Get("user")
			fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":%q,"real_name":%q,"profile":{"display_name":%q}}}`,
				id, strings.ToLower(id), id, id)
		case "conversations.open":
			fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D%s"}}`, r.Form.Get("users"))
		default:
			fmt.Fprintf(w, `{"ok":true,"channel":"C0LOAD","ts":"%d.000100"}`, time.Now().UnixNano())
		}
	})
}

func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

func freeAddr() (string, error) {
	ln, err := listen()
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitReady(u string) error {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("referbot never became ready at %s", u)
}

// rss is a process's peak resident memory so far in KB (Linux), 0 if unknown.
func rss(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok { // peak resident set
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}

// processes are the ones whose CPU time is counted, and where the server's
// write-ahead log is.
type processes struct {
	postgres, bot int
	wal           func() int64
}

// walPosition reads how far the server's write-ahead log has come, in
// bytes (0 if it can't tell).
func walPosition(pool *pgxpool.Pool) func() int64 {
	return func() int64 {
		var n int64
		pool.QueryRow(context.Background(), `SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint`).Scan(&n)
		return n
	}
}

// compare loads each target in turn, rounds times, in teams workspaces,
// and prints each round and the ratios of the best rounds.
func compare(targets []target, clients int, duration time.Duration, rounds, teams int, procs processes, responseURL string) {
	results := map[string][]result{}
	for r := 0; r < rounds; r++ {
		for _, t := range targets {
			pg0, bot0, wal0 := proccpu.ServerCPU(procs.postgres), proccpu.CPUOf(procs.bot), procs.wal()
			self0, machine0 := proccpu.CPUOf(os.Getpid()), proccpu.MachineBusy()
			res := load(t, clients, duration, teams, responseURL)
			n := time.Duration(max(res.n, 1))
			res.pgCPU = (proccpu.ServerCPU(procs.postgres) - pg0) / n
			res.walBytes = (procs.wal() - wal0) / int64(n)
			res.selfCPU, res.machineCPU = (proccpu.CPUOf(os.Getpid())-self0)/n, (proccpu.MachineBusy()-machine0)/n
			res.cores = runtime.NumCPU()
			if t.name == "referbot" {
				res.rssKB = rss(procs.bot)
				res.botCPU = (proccpu.CPUOf(procs.bot) - bot0) / n
			}
			results[t.name] = append(results[t.name], res)
		}
	}
	fmt.Printf("== %d workspace(s)\n", teams)
	for _, t := range targets {
		for i, res := range results[t.name] {
			fmt.Printf("%-9s round %d: %s\n", t.name, i+1, res)
		}
	}
	f, b := best(results["floor"]), best(results["referbot"])
	fmt.Printf("ratio (best rounds): throughput %.2f× the floor, p99 %.2f× the floor's; referbot peak RSS %d MB\n\n",
		b.rps()/f.rps(), float64(b.pct(99))/float64(f.pct(99)), b.rssKB/1024)
}

// runSetup runs the SQL in file on the database.
func runSetup(ctx context.Context, dbURL, file string) error {
	sql, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, string(sql)); err != nil {
		return fmt.Errorf("setup %s: %w", file, err)
	}
	fmt.Printf("ran %s on the migrated database\n", file)
	return nil
}

// printStatements prints what PostgreSQL ran for referbot during the run,
// per referral made: every statement but the floor's, the sender's
// deliveries and the scheduler's jobs included.
func printStatements(ctx context.Context, pool *pgxpool.Pool, referrals int64) error {
	if _, err := pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		return err
	}
	rows, err := pool.Query(ctx, `
		SELECT s.calls, s.total_exec_time, s.plans, s.total_plan_time, regexp_replace(s.query, '\s+', ' ', 'g')
		FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
		WHERE d.datname = current_database() AND s.query NOT LIKE '%floor_commands%'
			AND s.query NOT LIKE '%pg_stat_statements%'
		ORDER BY s.total_exec_time DESC`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var total, commits int64
	fmt.Printf("\nstatements PostgreSQL ran for referbot, per referral made (%d), costliest first\n"+
		"  (calls, mean time, time per referral, how often it was planned and how long that took; a statement's\n"+
		"  time includes its triggers', which are also listed):\n", referrals)
	for i := 0; rows.Next(); i++ {
		var (
			calls, plans int64
			ms, planMS   float64
			query        string
		)
		if err := rows.Scan(&calls, &ms, &plans, &planMS, &query); err != nil {
			return err
		}
		total += calls
		if strings.EqualFold(query, "commit") {
			commits += calls
		}
		if i < 15 {
			fmt.Printf("  %6.2f  %6.3f ms  %6.3f ms  planned %5.1f%% (%.3f ms)  %.80s\n", float64(calls)/float64(max(referrals, 1)),
				ms/float64(calls), ms/float64(max(referrals, 1)), 100*float64(plans)/float64(max(calls, 1)),
				planMS/float64(max(plans, 1)), query)
		}
	}
	fmt.Printf("  total %.2f statements per referral (%.2f explicit COMMITs)\n",
		float64(total)/float64(max(referrals, 1)), float64(commits)/float64(max(referrals, 1)))
	return rows.Err()
}
