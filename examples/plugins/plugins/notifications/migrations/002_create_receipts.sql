-- ferry:since 1.0.0
-- ferry:requires stripe:002, notifications-create-notifications
CREATE TABLE notification_receipts (
    notification_id INTEGER NOT NULL,
    charge_id INTEGER NOT NULL REFERENCES stripe_charges (id),
    PRIMARY KEY (notification_id, charge_id)
);
