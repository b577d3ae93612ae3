package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/internal/testenv"
)

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		main() // this test binary plays referbot itself: see TestMain_CtrlCLeavesTheConsoleCleanly
		return
	}
	testenv.Main(m)
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestRun_ConsoleScriptEndToEnd starts the whole program the way the
// README does, on a database of its own, and pipes a script through it.
func TestRun_ConsoleScriptEndToEnd(t *testing.T) {
	t.Parallel()
	url := testenv.URL(t)
	script := strings.Join([]string{
		"/as bob",
		"/refer @alice Acme Bakery jane@acme.example consent — new website ~5k hot",
		"/as alice",
		"/refer accept R-1001",
		"/refer won R-1001 4800",
		"/refer thanks R-1001 Thanks Bob!",
		"/refer stats network",
	}, "\n")
	var out, errOut bytes.Buffer
	err := Run(context.Background(), []string{"console"}, strings.NewReader(script), &out, &errOut,
		env(map[string]string{"DATABASE_URL": url}))
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"Referral R-1001 sent to @alice", "── DM to @alice ──", "@alice accepted your referral R-1001",
		"── post in #referrals ──", "Revenue from referrals: USD 4,800 from 1 deal", "Conversion rate (RCR): 100%"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRun_BadConfigNamesTheVariable(t *testing.T) {
	t.Parallel()
	for name, vars := range map[string]map[string]string{
		"REFERBOT_TZ":             {"REFERBOT_TZ": "Mars/Olympus"},
		"REFERBOT_LOG_LEVEL":      {"REFERBOT_LOG_LEVEL": "loud"},
		"SLACK_BOT_TOKEN":         {"SLACK_BOT_TOKEN": "xoxb-1"},
		"DISCORD_APP_ID":          {"DISCORD_BOT_TOKEN": "abc"},
		"DISCORD_PUBLIC_KEY":      {"DISCORD_BOT_TOKEN": "abc", "DISCORD_APP_ID": "1", "DISCORD_PUBLIC_KEY": "not-hex"},
		"REFERBOT_LOG_FORMAT":     {"REFERBOT_LOG_FORMAT": "xml"},
		"REFERBOT_PUBLIC_URL":     {"REFERBOT_PUBLIC_URL": "referbot.example.com"},
		"REFERBOT_SECRET":         {"REFERBOT_SECRET": "short"},
		"REFERBOT_RETENTION_DAYS": {"REFERBOT_RETENTION_DAYS": "7"},
	} {
		err := Run(context.Background(), nil, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, env(vars))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v does not name the variable", name, err)
		}
	}
	err := Run(context.Background(), []string{"frobnicate"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, env(nil))
	if err == nil || !strings.Contains(err.Error(), "usage: referbot") {
		t.Errorf("unknown subcommand: %v", err)
	}
}

func TestRun_SeedDemoThenStats(t *testing.T) {
	t.Parallel()
	url := testenv.URL(t)
	vars := env(map[string]string{"DATABASE_URL": url})
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"seed", "demo"}, strings.NewReader(""), &out, &bytes.Buffer{}, vars); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	script := "/as alice\n/refer stats network\n/refer list open\n/refer who bookkeeping for a cafe\n"
	if err := Run(context.Background(), []string{"console"}, strings.NewReader(script), &out, &bytes.Buffer{}, vars); err != nil {
		t.Fatal(err)
	}
	// 8 direct referrals and an open lead; won: Acme 4,800 + Globex 2,500 + Umbrella 900 = 8,200 over 3 deals.
	if strings.Contains(out.String(), "── DM to") {
		t.Errorf("the seed's old notices were replayed into the console:\n%s", out.String())
	}
	for _, want := range []string{"Referrals: 9 given, 8 received", "3 won, 1 lost", "Conversion rate (RCR): 37.5%",
		"Revenue from referrals: USD 8,200 from 3 deals", "brand and website for a new yoga studio", "1. @dan"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRun_SeedDemoRefusesANetworkWithData(t *testing.T) {
	t.Parallel()
	vars := env(map[string]string{"DATABASE_URL": testenv.URL(t)})
	run := func() error {
		return Run(context.Background(), []string{"seed", "demo"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, vars)
	}
	if err := run(); err != nil {
		t.Fatal(err)
	}
	if err := run(); err == nil || !strings.Contains(err.Error(), "already has referrals") {
		t.Fatalf("second seed: %v", err)
	}
}

func TestRun_JobsRunTwiceForOnePeriodPostsOnce(t *testing.T) {
	t.Parallel()
	vars := env(map[string]string{"DATABASE_URL": testenv.URL(t)})
	run := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := Run(context.Background(), args, strings.NewReader(""), &out, &bytes.Buffer{}, vars); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String()
	}
	script := "/as bob\n/refer lead bookkeeping for a bakery expires 1d\n"
	if err := Run(context.Background(), []string{"console"}, strings.NewReader(script), &bytes.Buffer{}, &bytes.Buffer{}, vars); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(49 * time.Hour).UTC().Format(time.RFC3339)
	if out := run("jobs", "run", "lead-expiry", "--at", at); !strings.Contains(out, "1 message(s) queued") {
		t.Fatalf("first run: %s", out)
	}
	if out := run("jobs", "run", "lead-expiry", "--at", at); !strings.Contains(out, "already ran: nothing new") {
		t.Fatalf("second run: %s", out)
	}
	if out := run("jobs", "list"); !strings.Contains(out, "lead-expiry") || !strings.Contains(out, "thank-you-nudge") {
		t.Fatalf("jobs list: %s", out)
	}
	for _, bad := range [][]string{{"jobs"}, {"jobs", "run", "nope"}, {"jobs", "run", "lead-expiry", "--at", "tomorrow"}} {
		if err := Run(context.Background(), bad, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, vars); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// startServe runs `referbot serve` on a free port, configured by vars,
// and returns its address once it answers; at cleanup it stops it and
// checks it shut down cleanly.
func startServe(t *testing.T, vars map[string]string) string {
	t.Helper()
	return startServeLogging(t, vars, io.Discard)
}

// startServeLogging is startServe with the program's log written to logs.
func startServeLogging(t *testing.T, vars map[string]string, logs io.Writer) string {
	t.Helper()
	addr := freeAddr(t)
	vars["REFERBOT_ADDR"] = addr
	if vars["DATABASE_URL"] == "" {
		vars["DATABASE_URL"] = testenv.URL(t)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve"}, strings.NewReader(""), &bytes.Buffer{}, logs, env(vars))
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for range 200 {
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v", err)
		default:
		}
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return addr
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("serve never listened")
	return ""
}

// request sends a request and returns the status and body.
func request(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	code, b := testenv.Do(t, req)
	return code, string(b)
}

// eventually waits up to 10 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
	}
}

func TestRun_ServeAnswersHealthReadinessAndMetrics(t *testing.T) {
	t.Parallel()
	addr := startServe(t, map[string]string{})
	get := func(path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		return request(t, req)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d", code)
	}
	code, body := get("/metrics")
	if code != 200 || !strings.Contains(body, "referbot_outbox_pending") || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics = %d:\n%.500s", code, body)
	}
	// `referbot healthcheck` (the container's HEALTHCHECK) asks /readyz.
	_, port, _ := net.SplitHostPort(addr)
	if err := Run(context.Background(), []string{"healthcheck"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{},
		env(map[string]string{"REFERBOT_ADDR": ":" + port})); err != nil {
		t.Errorf("healthcheck against a ready bot: %v", err)
	}
}

func TestRun_HealthcheckFailsWhenNothingAnswers(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	err := Run(context.Background(), []string{"healthcheck"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{},
		env(map[string]string{"REFERBOT_ADDR": addr}))
	if err == nil || !strings.Contains(err.Error(), "healthcheck") {
		t.Fatalf("healthcheck with nothing listening: %v", err)
	}
}

func TestRun_JSONLogs(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	startServeLogging(t, map[string]string{"REFERBOT_LOG_FORMAT": "json"}, &logs)
	out := strings.TrimSpace(logs.String())
	if out == "" {
		t.Fatal("serve logged nothing")
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "{") {
			t.Errorf("not a JSON log line: %q", line)
		}
	}
}

// freeAddr is a local address nothing listens on, for a server to take.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer is a bytes.Buffer safe to write from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
