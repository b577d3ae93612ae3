// Package pgtrace counts what a piece of code asks of PostgreSQL: round
// trips, statements (a batch is one round trip of several) and commits,
// so benchmarks can report them beside their timings.
package pgtrace
