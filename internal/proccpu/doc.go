// Package proccpu reads the CPU time processes used so far from /proc
// (Linux): a PostgreSQL server's with its backends, one process's, the
// whole machine's. The benchmark tools (loadbench, scalebench) report the
// CPU a request or a job pass cost, which the machine's load disturbs far
// less than the time it took.
package proccpu
