-- ferry:description Backfill last_activity_at from updated_at, else created_at
UPDATE stripe_customers
SET last_activity_at = COALESCE(updated_at, created_at)
WHERE last_activity_at IS NULL;
