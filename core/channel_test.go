package core_test

import (
	"context"
	"testing"

	"github.com/referbot/referbot/core"
)

// The channel a command is typed in never becomes the network's channel
// on Slack or Discord: an admin chooses it (config channel). The console
// has one channel, the one it names.
func TestJoin_NoCommandMakesItsChannelTheNetworks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser") // typed in #referrals
	st, err := b.svc.Configure(ctx, org, "", nil)
	if err != nil || st.Channel != "" {
		t.Fatalf("channel after a command typed in #referrals: %q, %v; want none", st.Channel, err)
	}
	if st, err = b.svc.Configure(ctx, org, "channel", []string{"<#C123|referrals>"}); err != nil || st.Channel != "<#C123>" {
		t.Fatalf("config channel: %q, %v", st.Channel, err)
	}
	you, err := b.svc.Join(ctx, core.Identity{Platform: core.Console, TeamID: "console", UserID: "you", UserName: "you", Channel: "#referrals"})
	if err != nil {
		t.Fatal(err)
	}
	if st, err = b.svc.Configure(ctx, you, "", nil); err != nil || st.Channel != "#referrals" {
		t.Fatalf("console channel: %q, %v; want #referrals", st.Channel, err)
	}
}
