import type { Generated } from 'kysely';
import type { PaymentTables } from '../payments/payment-schema.ts';

/**
 * Row types of the cloud store, shared by the SQLite and PostgreSQL dialects. Times are
 * milliseconds since the epoch (bigint, parsed to number), flags are 0/1 integers and JSON is
 * text, so the same queries run unchanged on both engines.
 */

export interface OperatorRow {
  id: string;
  name: string;
  created_at: number;
}

export interface TenantRow {
  id: string;
  name: string;
  kind: string;
  created_at: number;
}

export interface ApiKeyRow {
  id: string;
  /** `site`: a closed site's management, reading its passage log. */
  owner_kind: 'tenant' | 'operator' | 'site';
  owner_id: string;
  /** SHA-256 of the secret part: keys are 256-bit random, so a slow hash adds nothing. */
  secret_hash: string;
  label: string;
  created_at: number;
  revoked_at: number | null;
}

export interface OperatorTenantRow {
  operator_id: string;
  tenant_id: string;
}

export interface CourierRow {
  id: string;
  tenant_id: string;
  name: string;
  created_at: number;
  active: Generated<number>;
}

export interface CloudSecretRow {
  name: string;
  value: string;
}

export interface SiteRow {
  id: string;
  operator_id: string;
  name: string;
  kind: string;
  address: string;
}

export interface LockerRow {
  id: string;
  operator_id: string;
  site_id: string | null;
  address: string;
  lat: number;
  lon: number;
  online: number;
  last_seen_at: number | null;
  mqtt_secret_hash: string;
  /** Kept in clear: the cloud hashes codes with it (protocol/keyed-hash.ts). */
  hash_key: string;
  revoked: number;
  sync_version: number;
  /** Deltas start at this version or later; older holders get a snapshot (tombstones pruned). */
  sync_horizon: number;
  created_at: number;
  /** When the cloud received the status that set `online` (0009): later statuses win. */
  presence_at: number | null;
}

export interface CellRow {
  locker_id: string;
  cell_id: string;
  bus: string;
  board: number;
  channel: number;
  size: string;
  features: string;
  in_service: number;
  changed_version: number;
}

export interface OrderRow {
  id: string;
  tenant_id: string;
  kind: string;
  status: string;
  size: string;
  barcode: string;
  refrigerated: number;
  storage_hours: number;
  external_ref: string | null;
  created_at: number;
  updated_at: number;
}

export interface StepRow {
  id: string;
  order_id: string;
  idx: number;
  kind: string;
  role: string;
  locker_id: string;
  state: string;
  done_at: number | null;
}

export interface BookingRow {
  id: string;
  order_id: string;
  locker_id: string;
  size: string;
  valid_from: number;
  valid_until: number;
  active: number;
  changed_version: number;
}

export interface CodeRow {
  id: string;
  order_id: string;
  step_id: string;
  locker_id: string;
  purpose: string;
  code_hash: string;
  /** Keyed hash under one purpose for every code: uniqueness among a locker's live codes. */
  uniq_hash: string;
  valid_from: number;
  valid_until: number;
  live: number;
  changed_version: number;
}

export interface StatusHistoryRow {
  order_id: string;
  /** Position in the order's timeline: locker and cloud clocks disagree, order of writing does not. */
  pos: number;
  at: number;
  status: string;
  source: string;
}

export interface IngestCursorRow {
  locker_id: string;
  committed_seq: number;
  last_event_at: number | null;
  last_received_at: number | null;
}

export interface LockerEventRow {
  locker_id: string;
  seq: number;
  at: number;
  received_at: number;
  type: string;
  body: string;
}

export interface AlarmRow {
  id: string;
  locker_id: string;
  kind: string;
  cell_id: string | null;
  raised_at: number;
  cleared_at: number | null;
  /** 0007-console: who acknowledged (is on it) and who resolved it, with their notes. */
  acked_at: number | null;
  acked_by: string | null;
  ack_note: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  resolve_note: string | null;
}

export interface CommandRow {
  id: string;
  locker_id: string;
  type: string;
  body: string;
  issued_at: number;
  expires_at: number;
  status: string;
  outcome_code: string | null;
  created_by: string;
}

export interface AuditRow {
  id: string;
  at: number;
  actor: string;
  action: string;
  locker_id: string | null;
  detail: string;
}

export interface WebhookEndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  secret: string;
  active: number;
  created_at: number;
}

export interface WebhookDeliveryRow {
  id: string;
  endpoint_id: string;
  tenant_id: string;
  event: string;
  body: string;
  status: string;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

export interface IdempotencyRow {
  principal: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: string | null;
  created_at: number;
}

export interface AccessPointRow {
  id: string;
  site_id: string;
  name: string;
  /** gate | barrier | door */
  kind: string;
  /** locker-relay | agent-gate | webhook */
  driver: string;
  /** For locker-relay and agent-gate: the agent that checks passes and drives the relay. */
  locker_id: string | null;
  /** For webhook: the complex's access system, and the secret its requests are signed with. */
  url: string | null;
  secret: string | null;
  created_at: number;
}

export interface ManifestRow {
  id: string;
  tenant_id: string;
  courier_id: string;
  /** JSON array of order ids the route is limited to, or null: all the tenant's work there. */
  order_ids: string | null;
  pass_window_ms: number;
  created_at: number;
}

export interface ManifestStopRow {
  manifest_id: string;
  pos: number;
  locker_id: string;
  visit_at: number;
}

export interface PassageRow {
  id: string;
  site_id: string;
  access_point_id: string;
  courier_id: string | null;
  tenant_id: string | null;
  at: number;
  /** allowed | refused | failed (the access system did not answer) */
  outcome: string;
  reason: string | null;
}

/** The person an order serves: phone and codes sealed (cloud/notifications/personal-data-vault.ts). */
export interface OrderContactRow {
  order_id: string;
  /** Null once erased after the retention period; the order stays, anonymous. */
  phone_sealed: string | null;
  phone_hash: string | null;
  /** What every view shows (`+7 *** ***-45-67`), so views need no key. */
  phone_masked: string | null;
  codes_sealed: string | null;
  key_id: string;
  language: string;
  /** JSON array of the channels this order's messages go to. */
  channels: string;
  created_at: number;
  erased_at: number | null;
}

export interface NotificationRow {
  id: string;
  order_id: string;
  event: string;
  channel: string;
  status: string;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  last_error: string | null;
  sent_at: number | null;
}

export interface RecordedMessageRow {
  id: string;
  notification_id: string;
  order_id: string;
  channel: string;
  event: string;
  language: string;
  phone_sealed: string | null;
  text_sealed: string | null;
  key_id: string;
  created_at: number;
}

/** An operator's or a tenant's person signing in to the console (cloud/users/). */
export interface ConsoleUserRow {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  /** `scrypt$N$r$p$salt$hash` (cloud/users/password.ts). */
  password_hash: string;
  /** viewer | dispatcher | admin */
  role: string;
  /** Exactly one of operator_id and tenant_id is set. */
  operator_id: string | null;
  tenant_id: string | null;
  created_at: number;
  created_by: string;
  password_changed_at: number;
  disabled_at: number | null;
}

export interface ConsoleSessionRow {
  id: string;
  user_id: string;
  /** SHA-256 of the token's secret: the token itself is never stored. */
  token_hash: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute end; the idle limit counts from last_seen_at. */
  expires_at: number;
  revoked_at: number | null;
}

export interface SignInThrottleRow {
  /** `email:<address>` or `ip:<address>` */
  key: string;
  failures: number;
  window_start: number;
  locked_until: number;
}

export interface LockerStatusRow {
  locker_id: string;
  /** The locker's last status message (protocol statusSchema), JSON. */
  status: string;
  received_at: number;
}

export interface Database extends PaymentTables {
  console_users: ConsoleUserRow;
  console_sessions: ConsoleSessionRow;
  sign_in_throttle: SignInThrottleRow;
  locker_status: LockerStatusRow;
  access_points: AccessPointRow;
  manifests: ManifestRow;
  manifest_stops: ManifestStopRow;
  passages: PassageRow;
  operators: OperatorRow;
  tenants: TenantRow;
  api_keys: ApiKeyRow;
  operator_tenants: OperatorTenantRow;
  couriers: CourierRow;
  sites: SiteRow;
  lockers: LockerRow;
  cells: CellRow;
  orders: OrderRow;
  steps: StepRow;
  bookings: BookingRow;
  codes: CodeRow;
  status_history: StatusHistoryRow;
  ingest_cursors: IngestCursorRow;
  locker_events: LockerEventRow;
  alarms: AlarmRow;
  commands: CommandRow;
  audit_log: AuditRow;
  webhook_endpoints: WebhookEndpointRow;
  webhook_deliveries: WebhookDeliveryRow;
  idempotency_keys: IdempotencyRow;
  cloud_secrets: CloudSecretRow;
  order_contacts: OrderContactRow;
  notifications: NotificationRow;
  recorded_messages: RecordedMessageRow;
}
