package testenv

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"
)

// volatile are the parts of a recorded reply that differ from run to run
// for reasons of no interest to a replay: the fake servers' addresses,
// Slack message timestamps, instants on the wall clock.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`http://127\.0\.0\.1:\d+`), "http://fake"},
	{regexp.MustCompile(`\b1\d{9}\.\d{6}\b`), "<ts>"},
	{regexp.MustCompile(`\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`), "<time>"},
}

// Normalize returns v as indented JSON with sorted keys, the value of
// every key named in keys (at any depth) replaced by "<key>", and the
// volatile parts of every string masked.
func Normalize(v any, keys ...string) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(mask(generic, keys)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func mask(v any, keys []string) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if slices.Contains(keys, k) && x != nil {
				v[k] = "<" + k + ">"
			} else {
				v[k] = mask(x, keys)
			}
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = mask(x, keys)
		}
		return v
	case string:
		for _, p := range volatile {
			v = p.re.ReplaceAllString(v, p.with)
		}
		return v
	default:
		return v
	}
}

// JSONOrText is body decoded as JSON, or as a string when it is not JSON
// (Slack answers a url_verification with the bare challenge).
func JSONOrText(body []byte) any {
	var v any
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if json.Unmarshal(body, &v) != nil {
		return string(body)
	}
	return v
}

// Golden compares got, normalized (see Normalize), with the golden file
// at path; with update it first writes the file. A difference fails the
// test and shows both.
func Golden(t testing.TB, path string, got any, update bool, keys ...string) {
	t.Helper()
	b, err := Normalize(got, keys...)
	if err != nil {
		t.Fatal(err)
	}
	if update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to record it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("reply differs from %s (if deliberate, run the test with -update)\n--- got:\n%s\n--- want:\n%s", path, b, want)
	}
}
