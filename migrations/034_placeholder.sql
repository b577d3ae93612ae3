-- 034: a placeholder for another branch's migration.
SELECT 1;

---- create above / drop below ----

SELECT 1;
