ALTER TABLE stripe_customers DROP COLUMN preferences;
ALTER TABLE stripe_customers DROP COLUMN last_activity_at;
ALTER TABLE stripe_customers DROP COLUMN marketing_opt_in;
