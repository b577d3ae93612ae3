-- 020 is reserved for another branch of this session; this placeholder only
-- keeps the numbering contiguous on the refer-speed branch (021 follows).
-- Merging: drop this file in favour of the real 020.
SELECT 1;

---- create above / drop below ----

SELECT 1;
