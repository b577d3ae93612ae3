-- 022 is reserved for another branch of this session (overview-rollups);
-- this placeholder only keeps the numbering contiguous on the client-keys
-- branch (023 follows). Merging: drop this file in favour of the real 022.
SELECT 1;

---- create above / drop below ----

SELECT 1;
