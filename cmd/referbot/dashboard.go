package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/referbot/referbot/adapters/web"
)

// dashboard is the web dashboard over the bot, served under /dashboard/.
func (m *Main) dashboard() *web.Server {
	u, _ := url.Parse(m.Config.PublicURL) // LoadConfig checked it
	return web.New(m.Bot, web.Options{PublicURL: u, Log: m.Log, Location: m.Config.TimeZone})
}

// consoleDashboard serves the dashboard beside the terminal chat, on
// REFERBOT_ADDR, so the link `/refer dashboard` prints in the console
// opens (http://localhost:8080 by default). When the address is taken
// (say, by a `referbot serve` already running) the console runs without
// it. It returns the function that stops it.
func (m *Main) consoleDashboard() (stop func()) {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		m.Log.Warn("the dashboard is not served beside the console: REFERBOT_ADDR is taken", "addr", m.Config.Addr, "err", err)
		return func() {}
	}
	mux := http.NewServeMux()
	m.dashboard().Routes(mux)
	srv := newHTTPServer(mux)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("the console's dashboard stopped", "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
	}
}
