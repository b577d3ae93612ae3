package core_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// signIn issues a link for c and redeems it, failing the test on error.
func (b *bundle) signIn(t *testing.T, c core.Caller) *core.Session {
	t.Helper()
	sess, err := b.svc.RedeemSignInLink(context.Background(), linkOf(t, b.svc, c))
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// field replaces the i-th dot-separated field of a token.
func field(token string, i int, v string) string {
	f := strings.Split(token, ".")
	f[i] = v
	return strings.Join(f, ".")
}

func TestSignInLink_WorksOnceAndOpensASessionForItsMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob := b.join(t, "T1", "bob")
	link, err := b.svc.IssueSignInLink(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	if want := b.clock.Now().Add(core.SignInLinkTTL); !link.Expires.Equal(want) {
		t.Errorf("link expires %v, want %v", link.Expires, want)
	}
	sess, err := b.svc.RedeemSignInLink(ctx, link.Token)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Caller.Member.ID != bob.Member.ID || sess.Caller.Workspace.ID != bob.Workspace.ID {
		t.Fatalf("session is %+v, want bob's", sess.Caller)
	}
	if want := b.clock.Now().Add(core.SessionTTL); !sess.Until.Equal(want) || sess.CSRF == "" || sess.Cookie == link.Token {
		t.Errorf("session until %v (want %v), csrf %q", sess.Until, want, sess.CSRF)
	}
	again, err := b.svc.SessionOf(ctx, sess.Cookie)
	if err != nil || again.Caller.Member.ID != bob.Member.ID || again.CSRF != sess.CSRF {
		t.Fatalf("SessionOf: %+v, %v", again, err)
	}
	_, err = b.svc.RedeemSignInLink(ctx, link.Token)
	testenv.WantCode(t, err, core.EINVALID)
	if !strings.Contains(err.Error(), "used already") || !strings.Contains(err.Error(), "/refer dashboard") {
		t.Errorf("second visit: %v", err)
	}
}

func TestSignInLink_OneWinnerUnderConcurrentVisits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	bob := b.join(t, "T1", "bob")
	link, err := b.svc.IssueSignInLink(context.Background(), bob)
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for range 8 {
		wg.Go(func() {
			if _, err := b.svc.RedeemSignInLink(context.Background(), link.Token); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d visits signed in, want 1", wins)
	}
}

func TestSignInLink_ExpiresAfter15Minutes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	bob := b.join(t, "T1", "bob")
	link, err := b.svc.IssueSignInLink(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(core.SignInLinkTTL)
	_, err = b.svc.RedeemSignInLink(ctx, link.Token)
	testenv.WantCode(t, err, core.EINVALID)
	if !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired link: %v", err)
	}
	// The expiry is in the signed token and in the row: a token whose
	// expiry was moved on fails its signature.
	later := field(link.Token, 3, "99999999999")
	if _, err := b.svc.RedeemSignInLink(ctx, later); err == nil || !strings.Contains(err.Error(), "isn't valid") {
		t.Errorf("token with its expiry moved: %v", err)
	}
}

func TestSignInLink_ForgedOrAlteredTokensOpenNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob := b.join(t, "T1", "bob")
	link, err := b.svc.IssueSignInLink(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	mac := strings.Split(link.Token, ".")[4]
	other := b.signIn(t, bob)
	for name, token := range map[string]string{
		"empty":                "",
		"garbage":              "hello",
		"another member's id":  field(link.Token, 1, "1"),
		"the organiser's id":   field(link.Token, 1, strconv.FormatInt(org.Member.ID, 10)),
		"another workspace":    field(link.Token, 0, "999"),
		"a flipped mac":        field(link.Token, 4, strings.Repeat("0", 64)),
		"a mac cut short":      field(link.Token, 4, mac[:32]),
		"a session cookie":     other.Cookie,
		"upper-case hex mac":   field(link.Token, 4, strings.ToUpper(mac)),
		"an id never issued":   field(link.Token, 2, strings.Repeat("a", 32)),
		"extra field":          link.Token + ".1",
		"negative workspace":   field(link.Token, 0, "-1"),
		"unicode in member id": field(link.Token, 1, "٣"),
	} {
		if _, err := b.svc.RedeemSignInLink(ctx, token); core.ErrorCode(err) != core.EINVALID || !strings.Contains(err.Error(), "isn't valid") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// None of them used the real link up.
	if _, err := b.svc.RedeemSignInLink(ctx, link.Token); err != nil {
		t.Fatalf("the genuine link after the forgeries: %v", err)
	}
}

func TestSession_TamperedOrOfAnotherWorkspaceRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice := b.join(t, "T1", "alice")
	bob := b.join(t, "T2", "bob") // another workspace
	sa, sb := b.signIn(t, alice), b.signIn(t, bob)
	a := strings.Split(sa.Cookie, ".")
	for name, cookie := range map[string]string{
		"bob's cookie naming alice's workspace": field(sb.Cookie, 0, a[0]),
		"bob's cookie naming alice":             field(field(sb.Cookie, 0, a[0]), 1, a[1]),
		"alice's id under bob's signature":      field(sb.Cookie, 2, a[2]),
		"a link token":                          linkOf(t, b.svc, alice),
		"an extended expiry":                    field(sa.Cookie, 3, "99999999999"),
	} {
		if _, err := b.svc.SessionOf(ctx, cookie); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	if s, err := b.svc.SessionOf(ctx, sb.Cookie); err != nil || s.Caller.Workspace.ID != bob.Workspace.ID {
		t.Fatalf("bob's own session: %+v %v", s, err)
	}
}

func TestSession_EndsAfter12HoursOrOnSignOut(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	bob := b.join(t, "T1", "bob")
	first, second := b.signIn(t, bob), b.signIn(t, bob)
	if err := b.svc.EndSession(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.SessionOf(ctx, first.Cookie); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("signed-out session: %v", err)
	}
	if _, err := b.svc.SessionOf(ctx, second.Cookie); err != nil {
		t.Errorf("signing out one browser ended another: %v", err)
	}
	b.clock.Add(core.SessionTTL)
	if _, err := b.svc.SessionOf(ctx, second.Cookie); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("session after 12 hours: %v", err)
	}
}

func TestSession_OfARemovedOrDepartedMemberRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "carol")
	sb, sc := b.signIn(t, bob), b.signIn(t, carol)
	unused := linkOf(t, b.svc, bob)
	if _, err := b.svc.Configure(ctx, org, "remove", []string{"<@u-bob>"}); err != nil {
		t.Fatal(err)
	}
	_, err := b.svc.SessionOf(ctx, sb.Cookie)
	testenv.WantCode(t, err, core.EFORBIDDEN) // told they left, not to sign in again
	if _, err := b.svc.RedeemSignInLink(ctx, unused); err == nil {
		t.Error("a removed member's unused link still signs in")
	}
	if err := b.svc.Forget(ctx, carol); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.SessionOf(ctx, sc.Cookie); err == nil {
		t.Error("a session outlived its member's forget")
	}
	// Carol comes back (any command rejoins her): her old session stays ended.
	carol = b.join(t, "T1", "carol")
	if _, err := b.svc.SessionOf(ctx, sc.Cookie); err == nil {
		t.Error("an old session came back with its member")
	}
	b.signIn(t, carol)
}

func TestSigningKey_SameForEveryReplica(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	bob := b.join(t, "T1", "bob")
	// Replicas without REFERBOT_SECRET generate the workspace's secret at
	// once: all end up with the one stored.
	replicas := make([]*core.Service, 6)
	for i := range replicas {
		replicas[i] = core.NewService(b.db, core.Options{Now: b.clock.Now})
	}
	links := make([]string, len(replicas))
	var wg sync.WaitGroup
	for i, r := range replicas {
		wg.Go(func() {
			l, err := r.IssueSignInLink(ctx, bob)
			if err != nil {
				t.Error(err)
				return
			}
			links[i] = l.Token
		})
	}
	wg.Wait()
	for i, l := range links {
		if _, err := replicas[(i+1)%len(replicas)].RedeemSignInLink(ctx, l); err != nil {
			t.Errorf("replica %d's link at replica %d: %v", i, (i+1)%len(replicas), err)
		}
	}
	if n := testenv.Count(t, b.url, `SELECT count(*) FROM dashboard_secrets`); n != 1 {
		t.Errorf("%d secrets stored, want 1", n)
	}
	// With REFERBOT_SECRET, keys derive from it: another secret's
	// signature is refused.
	secret := []byte(strings.Repeat("s", 32))
	one := core.NewService(b.db, core.Options{Now: b.clock.Now, Secret: secret})
	two := core.NewService(b.db, core.Options{Now: b.clock.Now, Secret: secret})
	other := core.NewService(b.db, core.Options{Now: b.clock.Now, Secret: []byte(strings.Repeat("t", 32))})
	l1, l2 := linkOf(t, one, bob), linkOf(t, one, bob)
	if _, err := two.RedeemSignInLink(ctx, l1); err != nil {
		t.Errorf("same secret, another replica: %v", err)
	}
	if _, err := other.RedeemSignInLink(ctx, l2); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("another secret: %v", err)
	}
}

// linkOf issues a sign-in link for c, failing the test on error.
func linkOf(t *testing.T, s *core.Service, c core.Caller) string {
	t.Helper()
	l, err := s.IssueSignInLink(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return l.Token
}

func TestSignInLink_IssuingPrunesTheMembersDeadLinks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	bob := b.join(t, "T1", "bob")
	for range 5 {
		linkOf(t, b.svc, bob)
	}
	live := b.signIn(t, bob)
	b.clock.Add(core.SignInLinkTTL)
	linkOf(t, b.svc, bob) // the five expired unused links go; the session stays
	if n := testenv.Count(t, b.url, `SELECT count(*) FROM dashboard_links`); n != 2 {
		t.Errorf("%d links kept, want 2 (the session and the new link)", n)
	}
	if _, err := b.svc.SessionOf(context.Background(), live.Cookie); err != nil {
		t.Errorf("pruning ended a live session: %v", err)
	}
}

func TestSignInLink_IssuedInACommandThatFailsLeavesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	bob := b.join(t, "T1", "bob")
	boom := errors.New("the command failed after issuing")
	var lost string
	cmd := core.Identity{Platform: core.Slack, TeamID: "T1", UserID: bob.Member.UserID, UserName: "bob", RequestKey: "req-1"}
	err := b.svc.Command(ctx, cmd, func(ctx context.Context, bob core.Caller) error {
		l, err := b.svc.IssueSignInLink(ctx, bob) // in the command's transaction, the secret too
		if err != nil {
			return err
		}
		lost = l.Token
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n := testenv.Count(t, b.url, `SELECT (SELECT count(*) FROM dashboard_secrets) + (SELECT count(*) FROM dashboard_links)`); n != 0 {
		t.Errorf("%d rows outlived the rolled-back command", n)
	}
	if _, err := b.svc.RedeemSignInLink(ctx, lost); err == nil {
		t.Error("a link of a rolled-back command signs in")
	}
	// The key made in the rolled-back command was not kept in memory
	// either: another replica verifies what this one signs now.
	replica := core.NewService(b.db, core.Options{Now: b.clock.Now})
	if _, err := replica.RedeemSignInLink(ctx, linkOf(t, b.svc, bob)); err != nil {
		t.Errorf("a link signed after the rollback, at another replica: %v", err)
	}
}
