package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/internal/testenv"
)

func TestServe_MountsTheDashboard(t *testing.T) {
	t.Parallel()
	addr := startServe(t, map[string]string{})
	resp, err := http.Get("http://" + addr + "/dashboard/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "/refer dashboard") ||
		resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("/dashboard/ signed out: %d %q", resp.StatusCode, body)
	}
}

// TestConsole_DashboardLinkOpensBesideIt types `/refer dashboard` in the
// console, as a newcomer would, and follows the link it prints.
func TestConsole_DashboardLinkOpensBesideIt(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	in, typed := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), []string{"console"}, in, out, &bytes.Buffer{}, env(map[string]string{
			"DATABASE_URL": testenv.URL(t), "REFERBOT_ADDR": addr, "REFERBOT_PUBLIC_URL": "http://" + addr}))
	}()
	if _, err := io.WriteString(typed, "/as bob\n/refer dashboard\n"); err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`http://` + regexp.QuoteMeta(addr) + `/dashboard/signin/[0-9a-f.]+`)
	testenv.Eventually(t, "the console prints a sign-in link", func() bool { return link.MatchString(out.String()) })
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout: 10 * time.Second}
	resp, err := client.Get(link.FindString(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) == 0 {
		t.Fatalf("the console's link: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/dashboard/", nil)
	req.AddCookie(resp.Cookies()[0])
	page, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode == http.StatusUnauthorized || page.StatusCode == http.StatusForbidden {
		t.Errorf("signed in through the console's link, the dashboard still refuses: %d", page.StatusCode)
	}
	typed.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + addr + "/dashboard/"); err == nil {
		t.Error("the dashboard is still served after the console ended")
	}
}
