-- 038: a placeholder for the number another branch holds (the lead
-- deletes it at merge).
SELECT 1;

---- create above / drop below ----

SELECT 1;
