-- rearm.sql: the same work for the jobs of each run on a kept data set whose
-- work earlier runs used up (scalebench -before-jobs): 12,000 direct
-- referrals that an earlier release returned made working and idle again,
-- 4,000 released on each of the three days; 2,700 expired leads open again,
-- 900 expiring each day (without a notice: theirs are in the outbox already).
-- Run only with the jobs that use them up (stale-release, lead-expiry), or
-- they pile up for the next run.
WITH cand AS (
	SELECT r.workspace_id, r.id, (row_number() OVER (ORDER BY md5(r.id::text)) - 1) % 3 AS d,
		COALESCE((w.settings->>'release_after_days')::int, 21) AS after
	FROM referrals r JOIN workspaces w ON w.id = r.workspace_id
	WHERE r.status = 'declined' AND r.receiver_id IS NOT NULL AND r.decline_reason LIKE 'it had no update%'
		AND COALESCE((w.settings->>'release_after_days')::int, 21) > 0
	ORDER BY md5(r.id::text) LIMIT 12000
)
UPDATE referrals r SET status = 'accepted', closed_at = NULL, decline_reason = '',
	accepted_at = COALESCE(r.accepted_at, r.created_at),
	updated_at = current_setting('scalebench.first')::timestamptz + c.d * interval '1 day'
		- c.after * interval '1 day' - interval '1 hour'
FROM cand c WHERE r.workspace_id = c.workspace_id AND r.id = c.id;
WITH cand AS (
	SELECT r.workspace_id, r.id, (row_number() OVER (ORDER BY md5(r.id::text)) - 1) % 3 AS d
	FROM referrals r
	WHERE r.status = 'expired' AND r.receiver_id IS NULL
	ORDER BY md5(r.id::text) LIMIT 2700
)
UPDATE referrals r SET status = 'open', closed_at = NULL,
	expires_at = current_setting('scalebench.first')::timestamptz + c.d * interval '1 day' - interval '1 hour'
FROM cand c WHERE r.workspace_id = c.workspace_id AND r.id = c.id;
