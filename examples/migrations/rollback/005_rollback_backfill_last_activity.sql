-- The backfilled values are derived data; clearing them restores the state before 005.
UPDATE stripe_customers SET last_activity_at = NULL;
