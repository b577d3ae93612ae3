package postgres

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"sync"

	"github.com/referbot/referbot/core"
)

// settingsCache keeps each workspace's settings decoded, keyed by the
// stored JSON: every command reads its workspace's row, and decoding the
// same JSON again is most of the cost of reading it. It is always
// current — a change, by this process or another replica, is new JSON.
type settingsCache struct{ m sync.Map } // workspace id → *cachedSettings

type cachedSettings struct {
	raw []byte
	s   core.Settings
}

// decode returns the settings stored as raw for the workspace.
func (c *settingsCache) decode(workspaceID int64, raw []byte) (core.Settings, error) {
	if v, ok := c.m.Load(workspaceID); ok {
		if cs := v.(*cachedSettings); bytes.Equal(cs.raw, raw) {
			return cloneSettings(cs.s), nil
		}
	}
	// Decode over the defaults, so a setting added after the workspace was
	// created starts at its default rather than at zero.
	s := core.DefaultSettings()
	if err := json.Unmarshal(raw, &s); err != nil {
		return core.Settings{}, fmt.Errorf("settings of workspace %d: %w", workspaceID, err)
	}
	c.m.Store(workspaceID, &cachedSettings{raw: bytes.Clone(raw), s: cloneSettings(s)})
	return s, nil
}

// cloneSettings copies s so that a caller changing its map leaves the
// cache alone.
func cloneSettings(s core.Settings) core.Settings {
	s.Schedules = maps.Clone(s.Schedules)
	return s
}
