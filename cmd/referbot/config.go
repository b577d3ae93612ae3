package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/referbot/referbot/core"
)

// Config is everything referbot reads from the environment, in one place.
type Config struct {
	DatabaseURL string // empty: start a private PostgreSQL under DataDir
	DataDir     string // REFERBOT_DATA_DIR, default ./.referbot
	Addr        string // REFERBOT_ADDR, default :8080
	TimeZone    *time.Location
	LogLevel    string
	LogFormat   string // REFERBOT_LOG_FORMAT: text or json
	// PublicURL is where people reach the bot (REFERBOT_PUBLIC_URL, default
	// http://localhost:8080): every link the bot hands out starts with it.
	PublicURL string
	// Secret signs dashboard links (REFERBOT_SECRET); empty: one is
	// generated and kept in the database.
	Secret string
	// RetentionDays is how long delivered messages and job runs are kept
	// (REFERBOT_RETENTION_DAYS, default 90; see core.Retention).
	RetentionDays int

	SlackSigningSecret string
	SlackBotToken      string
	SlackAppToken      string
	SlackAPIURL        string

	DiscordBotToken  string
	DiscordAppID     string
	DiscordPublicKey string
	DiscordGuildID   string
	DiscordAPIURL    string
}

// LoadConfig reads and validates the environment; errors name the variable.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		DatabaseURL:        get("DATABASE_URL", ""),
		DataDir:            get("REFERBOT_DATA_DIR", ".referbot"),
		Addr:               get("REFERBOT_ADDR", ":8080"),
		LogLevel:           get("REFERBOT_LOG_LEVEL", "info"),
		LogFormat:          get("REFERBOT_LOG_FORMAT", "text"),
		PublicURL:          strings.TrimRight(get("REFERBOT_PUBLIC_URL", "http://localhost:8080"), "/"),
		Secret:             get("REFERBOT_SECRET", ""),
		SlackSigningSecret: get("SLACK_SIGNING_SECRET", ""),
		SlackBotToken:      get("SLACK_BOT_TOKEN", ""),
		SlackAppToken:      get("SLACK_APP_TOKEN", ""),
		SlackAPIURL:        get("SLACK_API_URL", "https://slack.com/api/"),
		DiscordBotToken:    get("DISCORD_BOT_TOKEN", ""),
		DiscordAppID:       get("DISCORD_APP_ID", ""),
		DiscordPublicKey:   get("DISCORD_PUBLIC_KEY", ""),
		DiscordGuildID:     get("DISCORD_GUILD_ID", ""),
		DiscordAPIURL:      get("DISCORD_API_URL", "https://discord.com/api/v10/"),
	}
	tz := get("REFERBOT_TZ", "UTC")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return c, fmt.Errorf("REFERBOT_TZ: %q is not a time zone (use an IANA name such as Europe/Berlin)", tz)
	}
	c.TimeZone = loc
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, fmt.Errorf("REFERBOT_LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("REFERBOT_LOG_FORMAT: %q is not text or json", c.LogFormat)
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("REFERBOT_PUBLIC_URL: %q is not an http(s) address such as https://referbot.example.com", c.PublicURL)
	}
	days := get("REFERBOT_RETENTION_DAYS", strconv.Itoa(core.DefaultRetentionDays))
	c.RetentionDays, err = strconv.Atoi(days)
	if err != nil || c.RetentionDays < core.MinRetentionDays || c.RetentionDays > maxRetentionDays {
		return c, fmt.Errorf("REFERBOT_RETENTION_DAYS: %q is not a number of days from %d to %d (how long delivered messages and job runs are kept)",
			days, core.MinRetentionDays, maxRetentionDays)
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		return c, fmt.Errorf("REFERBOT_SECRET: use at least 32 characters (e.g. the output of openssl rand -hex 32), or leave it empty to have one generated")
	}
	if c.SlackBotToken != "" && c.SlackSigningSecret == "" && c.SlackAppToken == "" {
		return c, fmt.Errorf("SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode) is")
	}
	if k := c.DiscordPublicKey; k != "" && (len(k) != 64 || strings.Trim(strings.ToLower(k), "0123456789abcdef") != "") {
		return c, fmt.Errorf("DISCORD_PUBLIC_KEY: want the application's 64-character hex public key (Developer Portal → General Information)")
	}
	if c.DiscordBotToken != "" && c.DiscordAppID == "" {
		return c, fmt.Errorf("DISCORD_BOT_TOKEN is set but DISCORD_APP_ID is not")
	}
	return c, nil
}

// maxRetentionDays bounds REFERBOT_RETENTION_DAYS (about 27 years): a
// longer retention is no retention, and the days must fit a Duration.
const maxRetentionDays = 10000

// Retention is the retention policy the configuration asks for.
func (c Config) Retention() core.Retention {
	keep := time.Duration(c.RetentionDays) * 24 * time.Hour
	return core.Retention{Delivered: keep, JobRuns: keep, Inbound: core.DefaultInboundKeep}
}

// HasChat reports whether any chat platform is configured.
func (c Config) HasChat() bool {
	return c.SlackBotToken != "" || c.DiscordBotToken != ""
}
