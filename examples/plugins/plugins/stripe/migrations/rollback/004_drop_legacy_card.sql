ALTER TABLE stripe_customers ADD COLUMN legacy_card VARCHAR(40);
