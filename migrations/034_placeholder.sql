-- 034: a placeholder for another branch's migration (the merger removes it).
SELECT 1;

---- create above / drop below ----

SELECT 1;
