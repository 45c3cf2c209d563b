-- ferry:since 2.0.0
-- ferry:description the card number column stripe 1.x kept is gone (BREAKING)
ALTER TABLE stripe_customers DROP COLUMN legacy_card;
