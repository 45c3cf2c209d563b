ALTER TABLE jobs_queue DROP COLUMN retries;
