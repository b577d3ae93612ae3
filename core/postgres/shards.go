package postgres

import (
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5"
)

// rollupShardParam names the setting that tells the stats rollup trigger
// (migration 021) which shard of the rollup rows a connection adds to.
const rollupShardParam = "referbot.rollup_shard"

// rollupShards is how many shards a pool's connections spread over.
const rollupShards = 32

// shardSlots gives each open connection of a pool a rollup shard of its
// own (the least used, so a pool larger than rollupShards shares as
// little as it can): concurrent transactions of one process then never
// add to the same rollup rows, and a referral never waits for another to
// commit. By backend pid modulo 8, as before, connections shared shards
// by chance. Other replicas' connections may share a shard; they wait
// for each other, as before.
type shardSlots struct {
	mu    sync.Mutex
	users [rollupShards]int
}

// take gives a connection about to be made its shard.
func (s *shardSlots) take(cc *pgx.ConnConfig) {
	s.mu.Lock()
	defer s.mu.Unlock()
	shard := 0
	for i, n := range s.users {
		if n < s.users[shard] {
			shard = i
		}
	}
	s.users[shard]++
	cc.RuntimeParams[rollupShardParam] = strconv.Itoa(shard)
}

// giveBack frees a closing connection's shard.
func (s *shardSlots) giveBack(conn *pgx.Conn) { s.release(conn.Config()) }

func (s *shardSlots) release(cc *pgx.ConnConfig) {
	shard, err := strconv.Atoi(cc.RuntimeParams[rollupShardParam])
	if err != nil || shard < 0 || shard >= rollupShards {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[shard] > 0 {
		s.users[shard]--
	}
}
