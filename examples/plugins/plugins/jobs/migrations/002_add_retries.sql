-- ferry:since 1.1.0
ALTER TABLE jobs_queue ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
