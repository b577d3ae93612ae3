-- Corrections with history (issue 13): `/refer undo` and `/refer correct`
-- change a referral's row, which every figure reads, and add an event; the
-- history stays append-only.
--   undoes      an `undone` event names the event it reverted (once only);
--   value_*     the won value a move to won or a `corrected` event recorded,
--               so undoing a correction restores the value before it.
ALTER TABLE referral_events
    ADD COLUMN undoes bigint REFERENCES referral_events (id),
    ADD COLUMN value_cents bigint CHECK (value_cents >= 0),
    ADD COLUMN value_currency text;
CREATE UNIQUE INDEX referral_events_undoes_idx ON referral_events (undoes) WHERE undoes IS NOT NULL;

-- A thank-you its author undid is kept, marked withdrawn; only standing
-- ones count in the figures and hide the Thank button.
ALTER TABLE thanks ADD COLUMN retracted_at timestamptz;

---- create above / drop below ----

ALTER TABLE thanks DROP COLUMN retracted_at;
DROP INDEX referral_events_undoes_idx;
ALTER TABLE referral_events DROP COLUMN undoes, DROP COLUMN value_cents, DROP COLUMN value_currency;
