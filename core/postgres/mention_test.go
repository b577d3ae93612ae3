package postgres_test

import (
	"testing"

	"github.com/referbot/referbot/core"
)

// A claimed notice carries the platform ids of its referral's parties, as
// they are when it is sent, so a post can mention them — but not of one
// who is no longer active (removed, or erased their data): a post never
// mentions them.
func TestClaimNotices_FillTheActivePartiesPlatformIDs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	r := b.referral(t, alice, bob)
	thanks := func(key string) core.Notice {
		return core.Notice{WorkspaceID: b.ws.ID, Kind: core.NoticeThanks, To: core.Recipient{Channel: "<#C1>"},
			Referral: r, Actor: "bob", DedupeKey: key, CreatedAt: t0}
	}
	b.enqueue(t, thanks("a"))
	ns := b.claim(t, core.Slack, 10, t0)
	if len(ns) != 1 || ns[0].ReferrerUserID != alice.UserID || ns[0].ReceiverUserID != bob.UserID {
		t.Fatalf("claimed %+v, want the ids %q and %q", ns, alice.UserID, bob.UserID)
	}
	if err := b.exec(t, `UPDATE members SET status = 'removed' WHERE id = $1`, alice.ID); err != nil {
		t.Fatal(err)
	}
	b.enqueue(t, thanks("b"))
	ns = b.claim(t, core.Slack, 10, t0)
	if len(ns) != 1 || ns[0].ReferrerUserID != "" || ns[0].ReceiverUserID != bob.UserID {
		t.Fatalf("claimed %+v, want no id for the removed referrer", ns)
	}
}
