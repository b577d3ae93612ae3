// Package web is the dashboard adapter: server-rendered HTML pages, SVG
// charts and CSV reports under /dashboard/, for a member signed in through
// the one-time link `/refer dashboard` hands out.
//
// It imports bot (and core's types) only, like every adapter: the figures
// come from the bot's read models, which apply the visibility rule; this
// package renders them and never computes or reveals more.
//
// Files: server.go (the Server and its routes), auth.go (sign-in links,
// sessions, CSRF, security headers), data.go (the read models it needs
// from the bot), pages.go (rendering, with the templates under
// templates/), one file per page (overview.go, member.go, referrals.go,
// admin.go), errors.go (error pages), text.go (figures in chat's words),
// chart*.go and graphlayout.go (server-side SVG charts), csv.go and
// csv_reports.go (a CSV per report), assets.go with assets/ (CSS,
// embedded, served under a hashed name).
package web
