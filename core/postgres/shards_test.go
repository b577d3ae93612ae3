package postgres

import (
	"testing"

	"github.com/jackc/pgx/v5"
)

// A pool's connections each get a rollup shard no other open connection
// has, as long as there are shards enough; a closed one's shard is the
// next one given.
func TestShardSlots_EachOpenConnectionHasItsOwnShard(t *testing.T) {
	var s shardSlots
	connect := func() *pgx.ConnConfig {
		cc := &pgx.ConnConfig{}
		cc.RuntimeParams = map[string]string{}
		s.take(cc)
		return cc
	}
	seen := map[string]bool{}
	var open []*pgx.ConnConfig
	for range rollupShards {
		cc := connect()
		if shard := cc.RuntimeParams[rollupShardParam]; seen[shard] {
			t.Fatalf("shard %s given twice to open connections", shard)
		} else {
			seen[shard] = true
		}
		open = append(open, cc)
	}
	freed := open[7].RuntimeParams[rollupShardParam]
	s.release(open[7])
	if got := connect().RuntimeParams[rollupShardParam]; got != freed {
		t.Errorf("after shard %s was freed the next connection got %s", freed, got)
	}
}
