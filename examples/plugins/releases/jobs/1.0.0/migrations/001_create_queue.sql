-- ferry:since 1.0.0
CREATE TABLE jobs_queue (
    id INTEGER PRIMARY KEY,
    kind VARCHAR(100) NOT NULL,
    payload TEXT,
    run_at VARCHAR(40) NOT NULL
);
