package bot

import (
	"slices"
	"testing"
)

func TestTags_SplitOnCommasSpacesAndHashes(t *testing.T) {
	t.Parallel()
	if got, want := Tags("Web-Dev, #branding  seo,"), []string{"web-dev", "branding", "seo"}; !slices.Equal(got, want) {
		t.Errorf("Tags = %q, want %q", got, want)
	}
}

func TestClip_CutsCharactersNotBytes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"short": "short", "exactly10!": "exactly10!", "Übergrößen-Mode": "Übergröße…"} {
		if got := Clip(in, 10); got != want {
			t.Errorf("Clip(%q, 10) = %q, want %q", in, got, want)
		}
	}
}
