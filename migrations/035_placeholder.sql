-- 035_placeholder: keeps the numbering without a gap while helpers work in parallel (the merger removes it).
SELECT 1;

---- create above / drop below ----

SELECT 1;
