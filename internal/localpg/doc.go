// Package localpg starts a private PostgreSQL server: the bot's own
// database when DATABASE_URL is unset (data under ./.referbot, kept between
// runs), and the tests' throwaway server. As root it runs the server as the
// postgres user, since PostgreSQL refuses to run as root.
//
// It imports only the standard library and pgx; cmd and the test harness
// use it.
package localpg
