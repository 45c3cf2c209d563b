-- ferry:description Customer preferences and activity tracking
ALTER TABLE stripe_customers
  ADD COLUMN IF NOT EXISTS marketing_opt_in BOOLEAN DEFAULT FALSE,
  ADD COLUMN IF NOT EXISTS last_activity_at TIMESTAMPTZ,
  ADD COLUMN IF NOT EXISTS preferences JSONB DEFAULT '{}';
