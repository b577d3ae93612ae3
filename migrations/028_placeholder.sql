-- 028: a placeholder for the board branch only (the merger removes it).
SELECT 1;

---- create above / drop below ----

SELECT 1;
