-- A fixed finder's fee is in a currency of its own. Rows from before have
-- none: their fee is read as in the won value's currency (core.FeeTerms.Owed).
ALTER TABLE referrals ADD COLUMN fee_currency text NOT NULL DEFAULT '';

---- create above / drop below ----

ALTER TABLE referrals DROP COLUMN fee_currency;
