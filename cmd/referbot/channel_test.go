package main

import (
	"context"
	"testing"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/migrations"
)

// networkWithChannel returns a database whose workspace (platform, team)
// already has its channel, as an admin would have chosen it: a network's
// channel is never set by typing a command somewhere.
func networkWithChannel(t *testing.T, p core.Platform, team, channel string) string {
	t.Helper()
	ctx := context.Background()
	url := pgtest.NewDB(t, "referbot", migrations.MigrateURL)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := core.DefaultSettings()
	st.Channel = channel
	if err := db.InTx(ctx, func(tx core.Tx) error {
		_, err := tx.EnsureWorkspace(ctx, p, team, "", st)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return url
}
