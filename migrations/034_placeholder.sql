-- 034: no migration. The number was given to a branch that needed none
-- (the jobs work of 2026-12-01); kept so the numbering has no gap.
SELECT 1;

---- create above / drop below ----

SELECT 1;
