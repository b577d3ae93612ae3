-- PLACEHOLDER, to be dropped at merge: migration 014 belongs to another
-- branch of this session. tern refuses a gap in the numbers, so this
-- no-op lets the web-auth branch (which owns 015) migrate on its own.
SELECT 1;

---- create above / drop below ----

SELECT 1;
