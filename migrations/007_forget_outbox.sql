-- Erasing a member (/refer forget) also scrubs the outbox: their name and
-- platform id can sit anywhere in a notice's payload (the actor, a
-- referral snapshot's party names, Pick choices, a report's lists), so
-- core/postgres replaces every JSON string equal to them, wherever it is.
-- Only whole string values are replaced, never keys or parts of a text.
CREATE FUNCTION jsonb_replace_string(doc jsonb, old text, new text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    CASE jsonb_typeof(doc)
    WHEN 'string' THEN
        IF doc #>> '{}' = old THEN
            RETURN to_jsonb(new);
        END IF;
        RETURN doc;
    WHEN 'object' THEN
        RETURN COALESCE((SELECT jsonb_object_agg(e.key, jsonb_replace_string(e.value, old, new))
            FROM jsonb_each(doc) AS e), '{}'::jsonb);
    WHEN 'array' THEN
        RETURN COALESCE((SELECT jsonb_agg(jsonb_replace_string(a.value, old, new) ORDER BY a.i)
            FROM jsonb_array_elements(doc) WITH ORDINALITY AS a(value, i)), '[]'::jsonb);
    ELSE
        RETURN doc;
    END CASE;
END;
$$;

---- create above / drop below ----

DROP FUNCTION jsonb_replace_string(jsonb, text, text);
