-- ferry:since 2.0.0
-- ferry:requires jobs:002
CREATE TABLE stripe_charge_retries (
    charge_id INTEGER NOT NULL REFERENCES stripe_charges (id),
    job_id INTEGER NOT NULL REFERENCES jobs_queue (id),
    PRIMARY KEY (charge_id, job_id)
);
