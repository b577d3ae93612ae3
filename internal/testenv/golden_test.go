package testenv

import "testing"

func TestNormalize_MasksVolatilePartsAndSortsKeys(t *testing.T) {
	got, err := Normalize(map[string]any{
		"z":          "posted at 1700000000.000123 to http://127.0.0.1:41234/response/x",
		"trigger_id": "13345224609.738474920.8088930838d88f008e0",
		"a":          []any{map[string]any{"when": "2026-03-02T10:00:00Z", "trigger_id": nil}},
	}, "trigger_id")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "a": [
    {
      "trigger_id": null,
      "when": "<time>"
    }
  ],
  "trigger_id": "<trigger_id>",
  "z": "posted at <ts> to http://fake/response/x"
}
`
	if string(got) != want {
		t.Errorf("Normalize =\n%s\nwant\n%s", got, want)
	}
}

func TestJSONOrText_KeepsWhatIsNotJSON(t *testing.T) {
	if v := JSONOrText([]byte("3eZbrw1aBm")); v != "3eZbrw1aBm" {
		t.Errorf("text: %v", v)
	}
	if v := JSONOrText([]byte(" \n")); v != nil {
		t.Errorf("empty: %v", v)
	}
	if v, ok := JSONOrText([]byte(`{"ok":true}`)).(map[string]any); !ok || v["ok"] != true {
		t.Errorf("JSON: %v", v)
	}
}
