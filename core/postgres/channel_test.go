package postgres_test

import (
	"context"
	"testing"

	"github.com/referbot/referbot/core"
)

// A channel post queued while the workspace has no channel waits, untried
// and holding back nobody, and the sender's claim (ClaimHeads) hands it
// out once an admin has chosen the channel, addressed to it.
func TestClaimHeads_AChannelPostWaitsForTheChannelToBeChosen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice := b.member(t, b.ws, "alice")
	post := core.Notice{WorkspaceID: b.ws.ID, Kind: core.NoticeLeadPosted, Actor: "alice", DedupeKey: "post", CreatedAt: t0}
	dm := core.Notice{WorkspaceID: b.ws.ID, Kind: core.NoticeBuddy, To: core.Recipient{MemberID: alice.ID, Name: "alice"},
		DedupeKey: "dm", CreatedAt: t0}
	b.enqueue(t, post, dm)
	if ns := b.heads(t, 10, t0); len(ns) != 1 || ns[0].Kind != core.NoticeBuddy {
		t.Fatalf("heads %+v, want only the DM", ns)
	}
	if ns := b.heads(t, 10, t0); len(ns) != 0 {
		t.Fatalf("heads %+v, want nothing (the DM is leased, the post waits)", ns)
	}
	if c := b.count(t, `SELECT count(*) FROM outbox WHERE kind = 'lead.posted' AND attempts = 0 AND status = 'pending'`); c != 1 {
		t.Fatalf("the waiting post was tried or dropped")
	}
	b.tx(t, func(tx core.Tx) error {
		st := b.ws.Settings
		st.Channel = "<#C123>"
		return tx.SaveSettings(context.Background(), b.ws.ID, st)
	})
	ns := b.heads(t, 10, t0)
	if len(ns) != 1 || ns[0].Kind != core.NoticeLeadPosted || ns[0].To.Channel != "<#C123>" {
		t.Fatalf("claimed %+v, want the post, to <#C123>", ns)
	}
}
