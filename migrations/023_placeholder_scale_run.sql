-- 023: reserved for another helper's migration of this session (scale-run's branch only;
-- the merger deletes this placeholder when the real 023 arrives).
SELECT 1;

---- create above / drop below ----

SELECT 1;
