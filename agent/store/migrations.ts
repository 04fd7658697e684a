/**
 * Versioned schema of the locker's memory. A migration is appended, never edited: a locker in
 * the field may hold any earlier version. `PRAGMA user_version` records the applied version.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const initial = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

CREATE TABLE cells (
  id TEXT PRIMARY KEY,
  board_id TEXT NOT NULL,
  channel INTEGER NOT NULL,
  size TEXT NOT NULL CHECK (size IN ('S','M','L','XL')),
  width_mm INTEGER NOT NULL,
  height_mm INTEGER NOT NULL,
  depth_mm INTEGER NOT NULL,
  features TEXT NOT NULL DEFAULT '[]',
  -- occupancy; being out of service is a separate flag so the content is not forgotten
  state TEXT NOT NULL CHECK (state IN ('free','reserved','occupied','open')),
  out_of_service INTEGER NOT NULL DEFAULT 0,
  service_reason TEXT,
  UNIQUE (board_id, channel)
) STRICT;

CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  status TEXT NOT NULL,
  storage_hours REAL NOT NULL,
  valid_until INTEGER,
  ready_at INTEGER,
  expires_at INTEGER,
  rental_until INTEGER,
  paid_kopecks INTEGER,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE parcels (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  barcode_hash TEXT UNIQUE,
  size TEXT NOT NULL,
  refrigerated INTEGER NOT NULL DEFAULT 0,
  cell_id TEXT REFERENCES cells(id),
  state TEXT NOT NULL CHECK (state IN ('expected','in-cell','collected'))
) STRICT;
CREATE INDEX parcels_order ON parcels(order_id);

CREATE TABLE steps (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  idx INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('deposit','collect')),
  role TEXT NOT NULL,
  state TEXT NOT NULL,
  parcel_id TEXT,
  done_at INTEGER,
  UNIQUE (order_id, idx)
) STRICT;

CREATE TABLE codes (
  code_hash TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_until INTEGER NOT NULL,
  used_at INTEGER
) STRICT;
CREATE INDEX codes_order ON codes(order_id);

CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  holder_id TEXT NOT NULL,
  tenant_id TEXT,
  kind TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  revoked INTEGER NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_until INTEGER NOT NULL
) STRICT;
CREATE INDEX credentials_secret ON credentials(secret_hash);

CREATE TABLE tariffs (
  size TEXT PRIMARY KEY,
  first_hour_kopecks INTEGER NOT NULL,
  next_hour_kopecks INTEGER NOT NULL,
  day_cap_kopecks INTEGER NOT NULL
) STRICT;

CREATE TABLE tenant_storage (tenant_id TEXT PRIMARY KEY, hours REAL NOT NULL) STRICT;

CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL
) STRICT;

CREATE TABLE inbox (
  command_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  outcome TEXT NOT NULL
) STRICT;

-- Every door opening, and the intent written before the bus write: the audit log.
CREATE TABLE door_ops (
  id INTEGER PRIMARY KEY,
  cell_id TEXT NOT NULL,
  step_id TEXT,
  parcel_id TEXT,
  purpose TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  credential_id TEXT,
  reason TEXT,
  state TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  intent_at INTEGER NOT NULL,
  unlocked_at INTEGER,
  opened_at INTEGER,
  closed_at INTEGER,
  left_open_alarmed INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX door_ops_active ON door_ops(state);
CREATE INDEX door_ops_step ON door_ops(step_id);

CREATE TABLE alarms (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  cell_id TEXT,
  board_id TEXT,
  detail TEXT NOT NULL DEFAULT '{}',
  raised_at INTEGER NOT NULL,
  cleared_at INTEGER
) STRICT;

CREATE TABLE wrong_codes (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL) STRICT;
CREATE INDEX wrong_codes_at ON wrong_codes(at);

INSERT INTO meta (key, value) VALUES
  ('delivered_seq', '0'), ('sync_version', '0'), ('keypad_locked_until', '0');
`;

/** Gate passes and the route's parcels booked elsewhere (both derived from manifests). */
const passes = `
CREATE TABLE passes (
  pass_id TEXT PRIMARY KEY,
  holder_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_until INTEGER NOT NULL
) STRICT;
CREATE INDEX passes_secret ON passes(secret_hash);

CREATE TABLE route_parcels (
  barcode_hash TEXT PRIMARY KEY,
  locker_id TEXT NOT NULL
) STRICT;
`;

/**
 * Payments at the locker (#14): every payment is a row written as an intent before the terminal
 * or the provider is asked; its result is written with the step's progress in one transaction.
 * The COD amount of an order comes with the synced parcels.
 */
const payments = `
ALTER TABLE orders ADD COLUMN amount_due_kopecks INTEGER;

CREATE TABLE payments (
  payment_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  step_id TEXT,
  purpose TEXT NOT NULL CHECK (purpose IN ('cod','rental','rental-overdue')),
  method TEXT NOT NULL CHECK (method IN ('pos','sbp')),
  amount_kopecks INTEGER NOT NULL CHECK (amount_kopecks > 0),
  state TEXT NOT NULL CHECK (state IN
    ('intent','approved','failed','refund-pending','refunded','refund-requested')),
  failure TEXT,
  provider_ref TEXT,
  refund_ref TEXT,
  refund_reason TEXT,
  qr_payload TEXT,
  payable_until INTEGER,
  -- what the payment buys, for purposes that create something (a rental's size and hours)
  detail TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  resolved_at INTEGER
) STRICT;
CREATE INDEX payments_order ON payments(order_id);
CREATE INDEX payments_state ON payments(state);

-- Only the sealed (encrypted to the cloud's key) contact is ever stored on the locker.
CREATE TABLE receipt_contacts (
  payment_id TEXT PRIMARY KEY,
  channel TEXT NOT NULL CHECK (channel IN ('sms','email')),
  sealed_contact TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'passes', sql: passes },
  { version: 3, name: 'payments', sql: payments },
];
