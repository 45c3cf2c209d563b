-- ferry:description Customer preferences and activity tracking
ALTER TABLE stripe_customers
  ADD COLUMN marketing_opt_in BOOLEAN DEFAULT FALSE,
  ADD COLUMN last_activity_at DATETIME(6) NULL,
  ADD COLUMN preferences JSON NULL;
