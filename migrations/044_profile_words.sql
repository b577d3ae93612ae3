-- 044_profile_words: who reads the profiles that can match a need by
-- their words, kept with the profile, instead of a regular expression over
-- each profile's text on every read.
--
-- `who` narrows its read to the profiles where one of the need's words
-- stands as a whole word (core.ProfileNeed says why no match is missed):
-- a case-insensitive regular expression over each active profile's tags,
-- triggers and texts joined, with two more tests for what words can't
-- vouch for. At the full-size chapter (8,554 profiles) that was most of
-- who's 54 ms, whatever the need. The profile now keeps the distinct words
-- of the same text (ASCII letters folded to lower case without the locale,
-- split on anything but an ASCII letter or digit: the very bounds the
-- expression used) and whether it must be read anyway (letters outside
-- ASCII, a tag or trigger without a letter or digit). A read is then an
-- array overlap and a flag per profile. Profiles are written a few at a
-- time by their own command; no /refer writes one.

CREATE FUNCTION profile_text(tags text[], triggers text[], services text, niche text, industry text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_string(tags, ' ') || ' ' || array_to_string(triggers, ' ') || ' ' || services || ' ' || niche || ' ' || industry
$$;

CREATE FUNCTION profile_words(tags text[], triggers text[], services text, niche text, industry text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT DISTINCT w FROM regexp_split_to_table(
        translate(profile_text(tags, triggers, services, niche, industry), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
        '[^a-z0-9]+') AS w WHERE w <> '' ORDER BY w)
$$;

CREATE FUNCTION profile_read_anyway(tags text[], triggers text[], services text, niche text, industry text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT octet_length(t) <> char_length(t) OR EXISTS (SELECT 1 FROM unnest(tags || triggers) e WHERE e !~ '[a-zA-Z0-9]')
    FROM profile_text(tags, triggers, services, niche, industry) AS t
$$;

ALTER TABLE profiles
    ADD COLUMN words text[] GENERATED ALWAYS AS (profile_words(tags, triggers, services, niche, industry)) STORED,
    ADD COLUMN read_anyway boolean GENERATED ALWAYS AS (profile_read_anyway(tags, triggers, services, niche, industry)) STORED;

---- create above / drop below ----

ALTER TABLE profiles DROP COLUMN read_anyway, DROP COLUMN words;
DROP FUNCTION profile_read_anyway(text[], text[], text, text, text);
DROP FUNCTION profile_words(text[], text[], text, text, text);
DROP FUNCTION profile_text(text[], text[], text, text, text);
