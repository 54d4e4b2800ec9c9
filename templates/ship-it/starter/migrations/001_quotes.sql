CREATE TABLE quotes (
    id bigserial PRIMARY KEY,
    origin text NOT NULL,
    destination text NOT NULL,
    weight_g integer NOT NULL,
    price_cents integer NOT NULL,
    rate_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
