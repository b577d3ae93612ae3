package core

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"
)

// The signed tokens of the dashboard: a sign-in link's and a session
// cookie's. Both read
//
//	<workspace id>.<member id>.<id: 32 hex>.<expires: unix seconds>.<mac: 64 hex>
//
// where mac is HMAC-SHA256, under the workspace's key, of the kind
// ("link" or "session") and the four fields before it: a token of one
// kind never passes for the other, and changing the workspace, the
// member, the id or the expiry breaks the signature. Hex keeps them to
// characters no chat markup or URL changes.

type tokenKind string

const (
	linkToken    tokenKind = "link"
	sessionToken tokenKind = "session"
)

type signedToken struct {
	kind        tokenKind
	workspaceID int64
	memberID    int64
	id          string
	expires     int64
}

func (t signedToken) payload() string {
	return strconv.FormatInt(t.workspaceID, 10) + "." + strconv.FormatInt(t.memberID, 10) + "." + t.id + "." +
		strconv.FormatInt(t.expires, 10)
}

func (t signedToken) mac(key []byte) []byte {
	return macOf(key, string(t.kind)+"|"+t.payload())
}

func (t signedToken) sign(key []byte) string {
	return t.payload() + "." + hex.EncodeToString(t.mac(key))
}

func macOf(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

var errMalformed = errors.New("core: malformed token")

// parseToken reads a token's fields and signature, unchecked.
func parseToken(kind tokenKind, s string) (signedToken, []byte, error) {
	f := strings.Split(s, ".")
	if len(s) > 200 || len(f) != 5 || !isHex(f[2], 32) || !isHex(f[4], 64) {
		return signedToken{}, nil, errMalformed
	}
	t := signedToken{kind: kind, id: f[2]}
	var err1, err2, err3 error
	t.workspaceID, err1 = strconv.ParseInt(f[0], 10, 64)
	t.memberID, err2 = strconv.ParseInt(f[1], 10, 64)
	t.expires, err3 = strconv.ParseInt(f[3], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil || t.workspaceID <= 0 || t.memberID <= 0 {
		return signedToken{}, nil, errMalformed
	}
	mac, _ := hex.DecodeString(f[4])
	return t, mac, nil
}

// verify parses a token of the kind and checks its signature under its
// workspace's key, in constant time; it returns the token and the key, or
// errMalformed for a token that is not one of ours.
func (s *Service) verify(ctx context.Context, kind tokenKind, token string) (signedToken, []byte, error) {
	t, mac, err := parseToken(kind, token)
	if err != nil {
		return t, nil, err
	}
	key, err := s.signingKey(ctx, t.workspaceID)
	if ErrorCode(err) == ENOTFOUND {
		return t, nil, errMalformed // no such workspace
	}
	if err != nil {
		return t, nil, err
	}
	if !hmac.Equal(mac, t.mac(key)) {
		return t, nil, errMalformed
	}
	return t, key, nil
}

// sessionID is the id a session cookie names (its signature checked
// before, by SessionOf).
func sessionID(cookie string) (string, bool) {
	t, _, err := parseToken(sessionToken, cookie)
	return t.id, err == nil
}

// csrfToken is the token a session's forms carry: a MAC of the session's
// id, so it is bound to the session and no page of another site can know it.
func csrfToken(key []byte, workspaceID int64, id string) string {
	return hex.EncodeToString(macOf(key, "csrf|"+strconv.FormatInt(workspaceID, 10)+"|"+id))
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// randomID is 128 random bits, in hex.
func randomID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return hex.EncodeToString(b)
}

// keys caches the workspaces' signing keys: a key never changes once
// made, so each is read from the database once per process.
type keys struct {
	mu sync.Mutex
	m  map[int64][]byte
}

// signingKey is the workspace's key: derived from REFERBOT_SECRET when it
// is set (Options.Secret), so every replica and restart agrees without the
// database; else the secret stored for the workspace, generated the first
// time. It is read in the command's transaction when there is one (the
// workspace may be new in it) and then not cached, as that transaction may
// still roll back; read on its own, it is committed and cached.
func (s *Service) signingKey(ctx context.Context, workspaceID int64) ([]byte, error) {
	if len(s.secret) > 0 {
		return macOf(s.secret, "referbot dashboard key|"+strconv.FormatInt(workspaceID, 10)), nil
	}
	s.keys.mu.Lock()
	key, ok := s.keys.m[workspaceID]
	s.keys.mu.Unlock()
	if ok {
		return key, nil
	}
	fresh := make([]byte, 32)
	rand.Read(fresh)
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		key, err = tx.DashboardSecret(ctx, workspaceID, fresh)
		return err
	})
	if err != nil {
		return nil, err
	}
	if _, inCommand := ctx.Value(txKey{}).(Tx); !inCommand {
		s.keys.mu.Lock()
		s.keys.m[workspaceID] = key
		s.keys.mu.Unlock()
	}
	return key, nil
}
