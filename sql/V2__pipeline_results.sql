-- Results of the analytics pipeline. A partition writes its changes and its checkpoint in one
-- transaction, so after a crash it resumes from a state that matches the results exactly.

CREATE TABLE pipeline_checkpoints (
  partition    int PRIMARY KEY,
  partitions   int NOT NULL,
  position     bigint NOT NULL,        -- the last log position applied
  engine_state bytea NOT NULL,         -- the window engine's snapshot at that position
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per store, window kind ('1m', '1h', '5m') and window; upserted while it is open.
CREATE TABLE window_metrics (
  store_id     text NOT NULL,
  window_kind  text NOT NULL,
  window_start timestamptz NOT NULL,
  window_end   timestamptz NOT NULL,
  status       text NOT NULL CHECK (status IN ('provisional', 'final', 'corrected')),
  metrics      jsonb NOT NULL,         -- counts, rates, money per currency as decimal strings, top products
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, window_kind, window_start)
);

CREATE TABLE sku_metrics (
  store_id     text NOT NULL,
  window_kind  text NOT NULL,
  window_start timestamptz NOT NULL,
  sku          text NOT NULL,
  window_end   timestamptz NOT NULL,
  status       text NOT NULL,
  views        bigint NOT NULL,
  carts        bigint NOT NULL,
  units        bigint NOT NULL,
  revenue      jsonb NOT NULL,         -- currency -> decimal string
  PRIMARY KEY (store_id, window_kind, window_start, sku)
);

CREATE TABLE alerts (
  id           bigserial PRIMARY KEY,
  store_id     text NOT NULL,
  kind         text NOT NULL,
  metric       text NOT NULL,
  observed     double precision NOT NULL,
  expected     double precision NOT NULL,
  score        double precision NOT NULL,
  window_start timestamptz NOT NULL,
  window_end   timestamptz NOT NULL,
  message      text NOT NULL,
  raised_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX alerts_by_store ON alerts (store_id, id);

-- Events that arrived after their windows were final (the late side output).
CREATE TABLE late_events (
  position   bigint PRIMARY KEY,
  store_id   text NOT NULL,
  event_id   text NOT NULL,
  event_time timestamptz NOT NULL,
  watermark  timestamptz NOT NULL,
  windows    jsonb NOT NULL          -- [{kind, start, end, corrected}]
);

CREATE TABLE moving_averages (
  store_id     text NOT NULL,
  metric       text NOT NULL,
  window_start timestamptz NOT NULL,
  window_end   timestamptz NOT NULL,
  value        double precision NOT NULL,
  simple       double precision NOT NULL,
  exponential  double precision NOT NULL,
  PRIMARY KEY (store_id, metric, window_start)
);
