package sender_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// pacedSlack answers chat.postMessage as Slack does under load: after a
// network latency, and with a 429 (Retry-After: 1) for a second message
// to one channel within a second. A DM to a user is a channel of its own.
type pacedSlack struct {
	latency time.Duration
	mu      sync.Mutex
	last    map[string]time.Time
	limited atomic.Int64
}

func (f *pacedSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	ch := r.Form.Get("channel")
	time.Sleep(f.latency)
	now := time.Now()
	f.mu.Lock()
	last, seen := f.last[ch]
	if !seen || now.Sub(last) >= time.Second {
		f.last[ch] = now
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if seen && now.Sub(last) < time.Second {
		f.limited.Add(1)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"%d.000100"}`, ch, now.UnixNano())
}

// webMessenger posts to a Web API like Slack's, as the Slack adapter does,
// over a client that keeps a connection per worker.
type webMessenger struct {
	url    string
	client *http.Client
}

func (m webMessenger) Send(ctx context.Context, msg bot.Message) (string, error) {
	form := url.Values{"channel": {msg.To}, "text": {msg.Title + "\n" + msg.Text}}
	req, _ := http.NewRequestWithContext(ctx, "POST", m.url+"/chat.postMessage", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := m.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests {
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return "", &sender.RetryAfterError{After: time.Duration(secs) * time.Second, Err: fmt.Errorf("429")}
	}
	var out struct {
		OK      bool   `json:"ok"`
		Channel string `json:"channel"`
		TS      string `json:"ts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || !out.OK {
		return "", fmt.Errorf("chat.postMessage: %v", err)
	}
	return out.Channel + "/" + out.TS, nil
}

// counting counts deliveries and says when want of them are recorded.
type counting struct {
	core.Outbox
	n    atomic.Int64
	want int64
	done chan struct{}
}

func (c *counting) MarkDelivered(ctx context.Context, workspaceID, id int64, ref string, at time.Time) error {
	err := c.Outbox.MarkDelivered(ctx, workspaceID, id, ref, at)
	if err == nil && c.n.Add(1) == c.want {
		close(c.done)
	}
	return err
}

// BenchmarkSender_Drain5000DMs drains a welcome DM to each of 5,000
// members (a burst of joins, say) through the real outbox against a Web
// API paced like Slack's (one message per second per channel, 20 ms a
// call), with the sender as serve runs it for Slack.
func BenchmarkSender_Drain5000DMs(b *testing.B) {
	const members = 5000
	ctx := context.Background()
	db, dbURL := testenv.DB(b)
	var ws *core.Workspace
	if err := db.InTx(ctx, func(tx core.Tx) (err error) {
		ws, err = tx.EnsureWorkspace(ctx, core.Slack, "T1", "Acme", core.DefaultSettings())
		return err
	}); err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `INSERT INTO members (workspace_id, user_id, display_name)
		SELECT $1, 'U' || g, 'member ' || g FROM generate_series(1, $2::int) g RETURNING id`, ws.ID, members)
	if err != nil {
		b.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		b.Fatal(err)
	}
	ns := make([]core.Notice, len(ids))
	for i, id := range ids {
		ns[i] = core.Notice{WorkspaceID: ws.ID, Kind: core.NoticeBuddyIntro, To: core.Recipient{MemberID: id}, Actor: "alice"}
	}
	if err := db.InTx(ctx, func(tx core.Tx) error { return tx.Enqueue(ctx, ns...) }); err != nil {
		b.Fatal(err)
	}
	fake := &pacedSlack{latency: 20 * time.Millisecond}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	m := webMessenger{url: srv.URL, client: &http.Client{Timeout: 20 * time.Second, Transport: transport}}

	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		if _, err := conn.Exec(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = '-infinity',
			sent_at = NULL, ref = NULL`); err != nil {
			b.Fatal(err)
		}
		fake.last = map[string]time.Time{}
		box := &counting{Outbox: db, want: members, done: make(chan struct{})}
		s := &sender.Sender{Outbox: box, Platform: core.Slack, Messenger: m, PerDestination: time.Second}
		run, cancel := context.WithCancel(ctx)
		stopped := make(chan struct{})
		b.StartTimer()
		start := time.Now()
		go func() { defer close(stopped); s.Run(run, 2*time.Second) }()
		<-box.done
		elapsed += time.Since(start)
		b.StopTimer()
		cancel()
		<-stopped
		b.StartTimer()
	}
	b.ReportMetric(float64(members*b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(b.N), "ms/5000")
	b.ReportMetric(float64(fake.limited.Load())/float64(b.N), "429s/op")
}
