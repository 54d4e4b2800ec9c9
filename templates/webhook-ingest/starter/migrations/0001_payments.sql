-- Payments as finance knows them: until now imported from Paystream's nightly CSV export.
-- Amounts are in the currency's minor unit (cents); times are instants (timestamptz).
CREATE TABLE payments (
    id text PRIMARY KEY,
    status text NOT NULL CHECK (status IN ('succeeded', 'failed', 'refunded')),
    amount bigint NOT NULL CHECK (amount >= 0),
    currency text NOT NULL,
    amount_refunded bigint NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
    paid_at timestamptz,
    fee bigint,
    -- When Paystream created the event (or export line) this row was last taken from.
    event_created timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
