// Package pgtest gives each test a fresh PostgreSQL database, cloned from a
// migrated template (CREATE DATABASE ... TEMPLATE, about ten milliseconds).
// One server serves a whole test run: the one named by
// REFERBOT_TEST_DATABASE_URL (`make test` starts it with withpg), or else a
// throwaway server the test binary starts itself and pgtest.Main stops.
//
// It is imported by tests only.
package pgtest
