DROP TABLE notification_receipts;
