-- 032: a placeholder for another branch's migration (hotpath).
SELECT 1;

---- create above / drop below ----

SELECT 1;
