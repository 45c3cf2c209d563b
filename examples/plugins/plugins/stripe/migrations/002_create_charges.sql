-- ferry:since 1.0.0
-- ferry:requires jobs:001
CREATE TABLE stripe_charges (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES stripe_customers (id),
    amount_cents INTEGER NOT NULL,
    job_id INTEGER REFERENCES jobs_queue (id)
);
