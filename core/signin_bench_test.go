package core_test

import (
	"context"
	"testing"
)

// BenchmarkSessionOf measures what signing in adds to every dashboard
// page: the cookie's signature, the session's row and the member re-read.
func BenchmarkSessionOf(b *testing.B) {
	bb := setup(b)
	ctx := context.Background()
	bob := bb.join(b, "T1", "bob")
	link, err := bb.svc.IssueSignInLink(ctx, bob)
	if err != nil {
		b.Fatal(err)
	}
	sess, err := bb.svc.RedeemSignInLink(ctx, link.Token)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bb.svc.SessionOf(ctx, sess.Cookie); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignIn measures `/refer dashboard`'s link and its visit.
func BenchmarkSignIn(b *testing.B) {
	bb := setup(b)
	ctx := context.Background()
	bob := bb.join(b, "T1", "bob")
	b.ReportAllocs()
	for b.Loop() {
		link, err := bb.svc.IssueSignInLink(ctx, bob)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bb.svc.RedeemSignInLink(ctx, link.Token); err != nil {
			b.Fatal(err)
		}
	}
}
