package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// A CSV that fails after its first rows went out must not reach the
// client as a complete (short) file: the connection is dropped without
// the response's end, and the log says what happened.

// liveServer serves data to bob over a real connection (net/http handles
// an aborted handler only there) and logs into the returned writer.
func liveServer(t *testing.T, data dashboardData) (*httptest.Server, *lockedWriter) {
	t.Helper()
	log := &lockedWriter{w: &bytes.Buffer{}}
	s := newServer(Options{Location: time.UTC, Log: slog.New(slog.NewTextHandler(log, nil))})
	s.data = data
	s.pageRoutes(signedInAs(viewer(bob)))
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, log
}

// waitLog waits for the server to log want.
func waitLog(t *testing.T, log *lockedWriter, want string) {
	t.Helper()
	logged := func() string {
		log.mu.Lock()
		defer log.mu.Unlock()
		return log.w.(*bytes.Buffer).String()
	}
	for range 200 {
		if strings.Contains(logged(), want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("the log has no %q:\n%s", want, logged())
}

func TestReferralsCSV_AFailureAfterTheFirstRowsBreaksTheDownloadAndIsLogged(t *testing.T) {
	t.Parallel()
	data := &fakeData{list: csvDataSet(), pageSize: 2,
		midway: func(context.Context) error { return errors.New("the database went away") }}
	srv, log := liveServer(t, data)
	res, err := http.Get(srv.URL + "/dashboard/referrals.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("status %d, reading the body: %v; want 200 and an unexpected end (no complete file)\n%s", res.StatusCode, err, body)
	}
	if !strings.Contains(string(body), "R-1043") || strings.Contains(string(body), "R-1044") {
		t.Errorf("want the first page (2 rows) and nothing after it:\n%s", body)
	}
	waitLog(t, log, `level=ERROR msg="dashboard: a CSV download failed midway" path=/dashboard/referrals.csv rows=2 err="the database went away"`)
}

func TestReferralsCSV_AClientThatLeavesMidwayStopsTheStreamAndIsLogged(t *testing.T) {
	t.Parallel()
	stopped := make(chan error, 1)
	data := &fakeData{list: csvDataSet(), pageSize: 1, midway: func(ctx context.Context) error {
		<-ctx.Done() // the request's context: ends when the client goes
		stopped <- ctx.Err()
		return ctx.Err()
	}}
	srv, log := liveServer(t, data)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/dashboard/referrals.csv", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	r := bufio.NewReader(res.Body)
	for _, want := range []string{"\ufeffcode,", "R-1042,"} { // the header and the first page arrive before the end
		if line, err := r.ReadString('\n'); !strings.HasPrefix(line, want) {
			t.Fatalf("read %q (%v), want a line starting %q", line, err, want)
		}
	}
	cancel()
	select {
	case err := <-stopped:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the stream stopped with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream went on after the client left")
	}
	waitLog(t, log, `level=INFO msg="dashboard: a CSV download stopped: the client went away" path=/dashboard/referrals.csv rows=1`)
}

func TestReferralsCSV_AFailureBeforeTheFirstRowIsAnErrorPage(t *testing.T) {
	t.Parallel()
	data := &fakeData{err: core.Errorf(core.ENOTFOUND, "There is no member 99 in this network.").WithHint("Pick a partner from the list.")}
	w := get(t, testServer(data, viewer(bob)), "/dashboard/referrals.csv?partner=99")
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "There is no member 99") ||
		strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") || w.Header().Get("Content-Disposition") != "" {
		t.Errorf("status %d, %q, %q: want the error page, no attachment\n%s", w.Code, w.Header().Get("Content-Type"),
			w.Header().Get("Content-Disposition"), w.Body)
	}
}
