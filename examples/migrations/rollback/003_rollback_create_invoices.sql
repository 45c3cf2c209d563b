DROP TABLE stripe_invoices;
