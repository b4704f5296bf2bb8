-- Inventory, written by the pipeline partition that owns the store, in the same transaction as
-- its checkpoint (which now also holds the inventory book's snapshot).

ALTER TABLE pipeline_checkpoints ADD COLUMN inventory_state bytea;  -- null for checkpoints written before V3

-- One row per (store, SKU) that the store declared stock for; available = on_hand - reserved.
CREATE TABLE inventory_levels (
  store_id            text NOT NULL,
  sku                 text NOT NULL,
  on_hand             bigint NOT NULL,        -- negative after an oversold order
  reserved            bigint NOT NULL,
  version             bigint NOT NULL,
  low_stock_threshold bigint NOT NULL,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, sku)
);

-- The append-only ledger: every level is the sum of its movements.
CREATE TABLE inventory_movements (
  id             bigserial PRIMARY KEY,
  store_id       text NOT NULL,
  sku            text NOT NULL,
  delta_on_hand  bigint NOT NULL,
  delta_reserved bigint NOT NULL,
  reason         text NOT NULL,               -- order, cancel, refund, restock, adjust, reserve, release, expire, import
  cause          text,                        -- event id, reservation id, idempotency key or import id
  at             timestamptz NOT NULL
);

CREATE INDEX inventory_movements_by_level ON inventory_movements (store_id, sku, id);

-- Live reservations; deleted when released, expired or consumed by an order.
CREATE TABLE inventory_reservations (
  store_id    text NOT NULL,
  id          text NOT NULL,
  sku         text NOT NULL,
  quantity    bigint NOT NULL,
  holder_kind text NOT NULL CHECK (holder_kind IN ('visitor', 'order')),
  holder_id   text NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (store_id, id)
);
