-- ferry:description Subscriptions, one customer each
CREATE TABLE stripe_subscriptions (
  id VARCHAR(255) PRIMARY KEY,
  customer_id VARCHAR(255) NOT NULL REFERENCES stripe_customers (id) ON DELETE CASCADE,
  status VARCHAR(50) NOT NULL,
  price_id VARCHAR(255),
  quantity INTEGER NOT NULL DEFAULT 1,
  current_period_end TIMESTAMP,
  cancel_at_period_end BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMP NOT NULL
);

CREATE INDEX idx_stripe_subscriptions_customer ON stripe_subscriptions (customer_id);
CREATE INDEX idx_stripe_subscriptions_status ON stripe_subscriptions (status);
