-- 023_placeholder: keeps the numbers contiguous on branch hot-path (tern needs
-- them so) until helper "client-keys"'s real 023 is merged; delete this file then.
SELECT 1;

---- create above / drop below ----

SELECT 1;
