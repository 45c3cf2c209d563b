-- ferry:description Invoices, with amounts in minor units
CREATE TABLE stripe_invoices (
  id VARCHAR(255) PRIMARY KEY,
  customer_id VARCHAR(255) NOT NULL REFERENCES stripe_customers (id) ON DELETE CASCADE,
  subscription_id VARCHAR(255) REFERENCES stripe_subscriptions (id) ON DELETE SET NULL,
  status VARCHAR(50) NOT NULL,
  amount_due BIGINT NOT NULL DEFAULT 0,
  amount_paid BIGINT NOT NULL DEFAULT 0,
  currency CHAR(3) NOT NULL,
  due_date TIMESTAMP,
  created_at TIMESTAMP NOT NULL
);

CREATE INDEX idx_stripe_invoices_customer ON stripe_invoices (customer_id);
CREATE INDEX idx_stripe_invoices_subscription ON stripe_invoices (subscription_id);
