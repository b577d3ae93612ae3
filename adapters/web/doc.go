// Package web is the dashboard adapter: server-rendered HTML pages, SVG
// charts and CSV reports under /dashboard/, for a member signed in through
// the one-time link `/refer dashboard` hands out.
//
// It imports bot (and core's types) only, like every adapter: the figures
// come from the bot's read models, which apply the visibility rule; this
// package renders them and never computes or reveals more.
//
// Files: server.go (the Server and its routes), auth.go (sign-in links,
// sessions, CSRF, security headers), pages.go and the templates under
// templates/ (one handler per page), chart*.go (server-side SVG charts),
// csv.go (a CSV per report), assets/ (CSS, embedded).
package web
