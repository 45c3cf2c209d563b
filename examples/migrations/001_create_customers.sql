-- ferry:description Customers synced from Stripe
CREATE TABLE stripe_customers (
  id VARCHAR(255) PRIMARY KEY,
  email VARCHAR(255),
  name VARCHAR(255),
  currency CHAR(3),
  delinquent BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP
);

CREATE INDEX idx_stripe_customers_email ON stripe_customers (email);

INSERT INTO stripe_customers (id, email, name, currency, created_at, updated_at) VALUES
  ('cus_001', 'ada@example.com', 'Ada Lovelace', 'usd', '2026-01-05 09:00:00', '2026-01-20 10:00:00'),
  ('cus_002', 'alan@example.com', 'Alan Turing', 'gbp', '2026-01-06 11:30:00', '2026-01-21 08:15:00'),
  ('cus_003', 'grace@example.com', 'Grace Hopper', 'usd', '2026-01-07 14:45:00', NULL);
