DROP TABLE stripe_charges;
