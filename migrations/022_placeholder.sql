-- 022_placeholder: keeps the numbers contiguous on branch hot-path (tern needs
-- them so) until helper "overview-rollups"'s real 022 is merged; delete this file then.
SELECT 1;

---- create above / drop below ----

SELECT 1;
