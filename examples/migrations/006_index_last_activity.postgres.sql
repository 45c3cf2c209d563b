-- ferry:description Index recent activity without blocking writes
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_stripe_customers_last_activity
  ON stripe_customers (last_activity_at DESC)
  WHERE last_activity_at IS NOT NULL;
