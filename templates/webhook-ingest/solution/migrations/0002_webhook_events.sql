-- Every delivery Paystream makes, stored before it is answered: the event id is the key, so
-- a redelivery (or two at once) finds the first and changes nothing. Workers take pending
-- events with FOR UPDATE SKIP LOCKED and mark them processed in the same transaction.
CREATE TABLE webhook_events (
    id text PRIMARY KEY,
    type text NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    last_error text
);
CREATE INDEX webhook_events_pending ON webhook_events (received_at) WHERE processed_at IS NULL;

-- The revenue report reads one window of days: an index instead of the whole table.
CREATE INDEX payments_paid_at ON payments (paid_at);
