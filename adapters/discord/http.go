package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// MaxSkew is how old (or early) a signed interaction may be. Discord does
// not ask for this check; without it a captured request could be replayed
// forever.
const MaxSkew = 5 * time.Minute

// Verify checks Discord's Ed25519 signature over timestamp+body and that
// the timestamp is within MaxSkew of now.
func Verify(h http.Header, body []byte, key ed25519.PublicKey, now time.Time) error {
	sig, ts := h.Get("X-Signature-Ed25519"), h.Get("X-Signature-Timestamp")
	if len(key) != ed25519.PublicKeySize {
		return errors.New("no valid DISCORD_PUBLIC_KEY configured")
	}
	if sig == "" || ts == "" {
		return errors.New("missing X-Signature-Ed25519 or X-Signature-Timestamp")
	}
	raw, err := hex.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return errors.New("malformed signature")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("malformed timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > MaxSkew || d < -MaxSkew {
		return errors.New("timestamp outside the 5-minute window")
	}
	if !ed25519.Verify(key, append([]byte(ts), body...), raw) {
		return errors.New("signature mismatch")
	}
	return nil
}

// maxBody bounds an interaction body.
const maxBody = 1 << 20

// Routes adds POST /discord/interactions.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /discord/interactions", a.serveHTTP)
}

func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err := Verify(r.Header, body, a.key, a.now()); err != nil {
		a.log.Warn("refused an unverified Discord interaction", "err", err)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	resp := a.Handle(r.Context(), &i)
	if resp == nil {
		// A replay of an interaction already answered: its token was used.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}
