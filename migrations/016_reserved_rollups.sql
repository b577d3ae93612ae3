-- Placeholder: migration 016 is reserved for the "rollups" branch of issue 15.
-- It lets this branch migrate on its own; the merge replaces this file
-- with that branch's migration 016 (delete this one).
SELECT 1;

---- create above / drop below ----

SELECT 1;
