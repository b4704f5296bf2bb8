-- Stores and their credentials. Only SHA-256 hashes of keys are kept.
CREATE TABLE stores (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id         text PRIMARY KEY,
  store_id   text NOT NULL REFERENCES stores (id),
  kind       text NOT NULL CHECK (kind IN ('write', 'read')),
  key_hash   bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE INDEX api_keys_store ON api_keys (store_id);

-- The event log of local mode. The writer assigns positions in commit order of its batches;
-- (store_id, event_id) is the idempotency key that makes retries harmless.
CREATE TABLE events (
  position    bigint PRIMARY KEY,
  store_id    text NOT NULL,
  -- the store's hash; a pipeline partition of P reads the rows where slot mod P is its number
  slot        smallint NOT NULL,
  event_id    text NOT NULL,
  type        text NOT NULL,
  event_time  timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  -- json, not jsonb: the payload is validated at ingest, read back whole and never queried inside,
  -- so jsonb's conversion on every insert (about a fifth of its server CPU) buys nothing
  payload     json NOT NULL,
  CONSTRAINT events_idempotency UNIQUE (store_id, event_id)
);
