package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// MaxSkew is how far a request's timestamp may be from now: Slack's
// published 5-minute window, beyond which a captured request is refused.
const MaxSkew = 5 * time.Minute

// Verify checks Slack's v0 request signature: HMAC-SHA256 over
// "v0:<timestamp>:<body>" with the signing secret, and a timestamp within
// MaxSkew of now. It is slack.NewSecretsVerifier's algorithm with the clock
// injected, so tests can check Slack's published example.
func Verify(h http.Header, body []byte, secret string, now time.Time) error {
	ts, sig := h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	if secret == "" {
		return fmt.Errorf("%w: no signing secret configured", errUnauthorized)
	}
	if ts == "" || sig == "" {
		return fmt.Errorf("%w: missing X-Slack-Signature or X-Slack-Request-Timestamp", errUnauthorized)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: bad timestamp", errUnauthorized)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > MaxSkew || d < -MaxSkew {
		return fmt.Errorf("%w: timestamp outside the 5-minute window", errUnauthorized)
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(sig)) {
		return fmt.Errorf("%w: signature mismatch", errUnauthorized)
	}
	return nil
}

// Sign returns the X-Slack-Signature value for a body sent at ts.
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", ts)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
