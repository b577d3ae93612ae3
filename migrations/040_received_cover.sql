-- 040_received_cover: who's fair rotation from the index alone.
--
-- `/refer who` counts, for each partner whose profile fits the need, what
-- they received in 90 days: one range of referrals_received_by_idx per
-- member (025). The index holds COALESCE(accepted_at, created_at), but
-- PostgreSQL reads an expression's columns from the table for an
-- index-only scan, so every count fetched its referrals from the heap: at
-- the full-size chapter (691,000 referrals) 64 members took 13 ms warm and
-- 58–110 ms cold, 12 referrals and 8 pages a member. With the columns in
-- the index too the range is all it reads (Heap Fetches: 0 on a vacuumed
-- table): 1.4 ms for the same 64. On a big installation, build it
-- beforehand with CREATE INDEX CONCURRENTLY under another name, then drop
-- the old one and rename the new.
DROP INDEX IF EXISTS referrals_received_by_idx;
CREATE INDEX referrals_received_by_idx
    ON referrals (workspace_id, receiver_id, (COALESCE(accepted_at, created_at))) INCLUDE (accepted_at, created_at)
    WHERE receiver_id IS NOT NULL;

---- create above / drop below ----

DROP INDEX IF EXISTS referrals_received_by_idx;
CREATE INDEX referrals_received_by_idx
    ON referrals (workspace_id, receiver_id, (COALESCE(accepted_at, created_at)))
    WHERE receiver_id IS NOT NULL;
