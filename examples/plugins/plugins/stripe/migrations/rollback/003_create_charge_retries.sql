DROP TABLE stripe_charge_retries;
