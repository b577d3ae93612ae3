// Package scheduler runs core's jobs (digests, reminders, expiries,
// reports) on their cron schedules, in each workspace's time zone, and
// reads cron specs for whoever needs to check one (the bot's
// `/refer config schedule`, `referbot jobs`). Core decides what a job
// does and claims each period in PostgreSQL; the scheduler only decides
// when, so replicas, restarts and retries never post twice.
//
// scheduler imports core only (and robfig/cron, prometheus). The bot
// imports it to check schedules; cmd runs one Scheduler per process.
package scheduler
