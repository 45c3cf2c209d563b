-- ferry:since 1.0.0
CREATE TABLE stripe_customers (
    id INTEGER PRIMARY KEY,
    stripe_id VARCHAR(64) NOT NULL UNIQUE,
    email VARCHAR(255) NOT NULL,
    legacy_card VARCHAR(40)
);
