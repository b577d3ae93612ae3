-- 041_member_totals_unfolded: the writers' emptied rows of member_totals
-- go with the fold.
--
-- The nightly fold (rollups_compact, called by the retention job) moves
-- every writer's shard of the rollups to shard -1 and deletes the rows it
-- moved; member_totals mirrors it (033), so its writers' rows are left
-- holding zeros — never deleted. At the full-size chapter half of its
-- all-time rows were such zeros (27,231 of 54,585), read and summed by
-- every `stats network` (the breakdown's ranking) and `stats me`; across
-- the tenth of BNI 752,878 of 1.5 million rows. The retention job now
-- deletes them after each fold (core/postgres/retention.go), through this
-- index of the rows outside shard -1: only what was written since the
-- last fold. This migration deletes those already there.
CREATE INDEX IF NOT EXISTS member_totals_unfolded_idx ON member_totals (workspace_id) WHERE shard <> -1;

DELETE FROM member_totals
WHERE shard <> -1 AND given = 0 AND received = 0 AND given_deals = 0 AND given_cents = 0
    AND received_deals = 0 AND received_cents = 0;

---- create above / drop below ----

DROP INDEX IF EXISTS member_totals_unfolded_idx;
