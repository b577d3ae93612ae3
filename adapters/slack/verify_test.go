package slack_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/slack-go/slack"

	slackadapter "github.com/referbot/referbot/adapters/slack"
)

// Slack's published example (docs: authentication/verifying-requests-from-slack).
const (
	exampleBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	exampleTS   = "1531420618"
	exampleSig  = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestVerify_AcceptsSlacksPublishedExample(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", exampleTS)
	h.Set("X-Slack-Signature", exampleSig)
	at := time.Unix(1531420618, 0).Add(30 * time.Second)
	if err := slackadapter.Verify(h, []byte(exampleBody), secret, at); err != nil {
		t.Fatalf("published example refused: %v", err)
	}
	if got := slackadapter.Sign(secret, exampleTS, []byte(exampleBody)); got != exampleSig {
		t.Fatalf("Sign = %s, want Slack's %s", got, exampleSig)
	}
	if err := slackadapter.Verify(h, []byte(exampleBody+"&x=1"), secret, at); err == nil {
		t.Fatal("a changed body was accepted")
	}
	if err := slackadapter.Verify(h, []byte(exampleBody), secret, at.Add(6*time.Minute)); err == nil {
		t.Fatal("the example was accepted 6 minutes later")
	}
	if err := slackadapter.Verify(h, []byte(exampleBody), "another-secret", at); err == nil {
		t.Fatal("accepted with the wrong secret")
	}
}

// Sign agrees with slack-go's own verifier, so the two can't drift apart.
func TestSign_AgreesWithSlackGoVerifier(t *testing.T) {
	t.Parallel()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	body := []byte("text=hello&user_id=U1")
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", slackadapter.Sign(secret, ts, body))
	sv, err := slack.NewSecretsVerifier(h, secret)
	if err != nil {
		t.Fatal(err)
	}
	sv.Write(body)
	if err := sv.Ensure(); err != nil {
		t.Fatalf("slack-go refuses our signature: %v", err)
	}
}
