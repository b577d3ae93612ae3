package testenv

import (
	"net/http"
	"os"
	"strings"
	"testing"
)

// A Replay names a captured payload, testdata/Name.json, and the payloads
// replayed before it (space-separated names) to set the scene.
type Replay struct{ Name, After string }

// Replayer sends captured payloads to one adapter's HTTP endpoint, as the
// platform would, over a fresh Env.
type Replayer interface {
	// Send replays testdata/name.json, signed, and returns the status and
	// the decoded reply.
	Send(name string) (status int, reply any)
	// Settle waits until the follow-ups still in flight are sent.
	Settle()
	// Calls is every call the platform's fake has received so far, as a
	// golden file shows it.
	Calls() []any
}

// Replays runs each replay in a parallel subtest on a Replayer of its own
// and compares what the replayed payload got — status, reply, and the
// calls it made to the platform — with testdata/Name.response.json,
// normalized (see Normalize; keys are masked). With update it records them.
func Replays(t *testing.T, replays []Replay, update bool, start func(t *testing.T) Replayer, keys ...string) {
	for _, r := range replays {
		t.Run(r.Name, func(t *testing.T) {
			t.Parallel()
			p := start(t)
			for _, before := range strings.Fields(r.After) {
				if code, reply := p.Send(before); code != http.StatusOK {
					t.Fatalf("%s: %d %v", before, code, reply)
				}
			}
			p.Settle()
			seen := len(p.Calls())
			code, reply := p.Send(r.Name)
			p.Settle()
			var calls []any
			if all := p.Calls(); len(all) > seen {
				calls = all[seen:]
			}
			Golden(t, "testdata/"+r.Name+".response.json",
				map[string]any{"status": code, "body": reply, "calls": calls}, update, keys...)
		})
	}
}

// Payload reads testdata/name.json.
func Payload(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
