-- ferry:description Index recent activity
CREATE INDEX idx_stripe_customers_last_activity ON stripe_customers (last_activity_at);
