-- Flags and their targeting rules. The analytics team reads these two tables directly:
-- their names and columns are part of Flagpole's contract (README: "What others rely on").
CREATE TABLE flags (
    key text PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    description text NOT NULL DEFAULT '',
    enabled boolean NOT NULL DEFAULT false,
    rollout_percent integer NOT NULL DEFAULT 0 CHECK (rollout_percent BETWEEN 0 AND 100),
    version integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE flag_rules (
    id bigserial PRIMARY KEY,
    flag_key text NOT NULL REFERENCES flags (key) ON DELETE CASCADE,
    position integer NOT NULL,
    attribute text NOT NULL CHECK (attribute IN ('plan', 'country')),
    one_of text[] NOT NULL,
    serve boolean NOT NULL,
    UNIQUE (flag_key, position)
);
