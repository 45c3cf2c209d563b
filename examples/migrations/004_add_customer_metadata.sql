-- ferry:description Customer preferences and activity tracking
ALTER TABLE stripe_customers ADD COLUMN marketing_opt_in BOOLEAN DEFAULT FALSE;
ALTER TABLE stripe_customers ADD COLUMN last_activity_at TIMESTAMP;
ALTER TABLE stripe_customers ADD COLUMN preferences TEXT DEFAULT '{}';
