-- 028: a placeholder for another helper's migration (removed when merging).

SELECT 1;

---- create above / drop below ----

SELECT 1;
