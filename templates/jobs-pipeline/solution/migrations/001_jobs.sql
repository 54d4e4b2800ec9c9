-- One row per uploaded statement: the queue is this table (SELECT ... FOR UPDATE SKIP LOCKED).
CREATE TABLE jobs (
    id bigserial PRIMARY KEY,
    account text NOT NULL,
    status text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'done', 'failed', 'parked')),
    attempts integer NOT NULL DEFAULT 0,
    lines integer NOT NULL,
    total_cents bigint NOT NULL,
    upload text NOT NULL,
    entry_id text,
    error text,
    run_after timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- What the workers look for: due jobs, and running ones whose worker's lease ran out.
CREATE INDEX jobs_waiting ON jobs (run_after, id) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_by_status ON jobs (status, id);
