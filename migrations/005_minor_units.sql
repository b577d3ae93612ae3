-- Amounts are held in the minor units of their currency (core.MinorDigits).
-- Until now every currency was held in hundredths, as if it had cents:
-- currencies without a minor unit (JPY, KRW, ...) are divided by 100, those
-- with thousandths (KWD, BHD, ...) multiplied by 10. Two-decimal currencies
-- (USD, EUR, ...) and amounts without a currency are left as they are.
-- Fixed fees (fee_fixed_cents) stay in hundredths of the network's currency.
UPDATE referrals SET estimate_cents = round(estimate_cents / 100.0)
WHERE estimate_currency IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF');
UPDATE referrals SET won_value_cents = round(won_value_cents / 100.0)
WHERE won_currency IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF');
UPDATE profiles SET min_budget_cents = round(min_budget_cents / 100.0)
WHERE min_budget_currency IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF');

UPDATE referrals SET estimate_cents = estimate_cents * 10
WHERE estimate_currency IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND');
UPDATE referrals SET won_value_cents = won_value_cents * 10
WHERE won_currency IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND');
UPDATE profiles SET min_budget_cents = min_budget_cents * 10
WHERE min_budget_currency IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND');

---- create above / drop below ----

UPDATE referrals SET estimate_cents = estimate_cents * 100
WHERE estimate_currency IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF');
UPDATE referrals SET won_value_cents = won_value_cents * 100
WHERE won_currency IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF');
UPDATE profiles SET min_budget_cents = min_budget_cents * 100
WHERE min_budget_currency IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF');

UPDATE referrals SET estimate_cents = round(estimate_cents / 10.0)
WHERE estimate_currency IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND');
UPDATE referrals SET won_value_cents = round(won_value_cents / 10.0)
WHERE won_currency IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND');
UPDATE profiles SET min_budget_cents = round(min_budget_cents / 10.0)
WHERE min_budget_currency IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND');
