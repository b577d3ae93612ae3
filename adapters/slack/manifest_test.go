package slack_test

import (
	"os"
	"strings"
	"testing"
)

// The manifests an admin pastes must match what the adapter serves.
func TestManifests_MatchTheRoutesAndScopes(t *testing.T) {
	t.Parallel()
	for file, wants := range map[string][]string{
		"../../docs/slack-app-manifest.yaml": {"/slack/commands", "/slack/interactions", "/slack/events",
			"socket_mode_enabled: false"},
		"../../docs/slack-app-manifest-socket.yaml": {"socket_mode_enabled: true"},
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, w := range append(wants, "command: /refer", "should_escape: true", "app_home_opened", "home_tab_enabled: true",
			"- commands", "- chat:write", "- chat:write.public", "- im:write", "- users:read", "- files:write",
			"- channels:read", "- groups:read", "- im:history", "- message.im", "messages_tab_enabled: true",
			"messages_tab_read_only_enabled: false") {
			must(t, strings.Contains(s, w), "%s lacks %q", file, w)
		}
		must(t, !strings.Contains(s, "\t"), "%s has a tab: YAML refuses it", file)
	}
}
