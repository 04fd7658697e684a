/**
 * Pure helpers of the console (no DOM, no fetch): dates, capacity, filters, the map projection.
 * Node's tests import this file directly (format.test.ts); format.d.ts gives it types there.
 */

export const SIZES = ['S', 'M', 'L', 'XL'];

/** @param {string} lang */
const locale = (lang) => (lang === 'en' ? 'en-GB' : 'ru-RU');

/** "25.11.2026, 17:05" / "25/11/2026, 17:05". @param {number} ms @param {string} lang */
export function dateTime(ms, lang) {
  return new Intl.DateTimeFormat(locale(lang), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(ms));
}

/** "5 minutes ago" in the language's words. @param {number} ms @param {number} now @param {string} lang */
export function ago(ms, now, lang) {
  const seconds = Math.round((ms - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(lang), { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86_400), 'day');
}

/**
 * A cell's state for the grid: out of service wins, then a door seen open, then what the cloud
 * says (free, occupied, alarm).
 * @param {{ state?: string | null, inService?: boolean }} cell @param {boolean} [doorOpen]
 */
export function cellState(cell, doorOpen = false) {
  if (cell.inService === false) return 'out-of-service';
  if (doorOpen) return 'open';
  return cell.state ?? 'free';
}

/**
 * Cells whose door is open now: the latest door event of each cell (events newest first, as
 * the cloud lists them) is an opening.
 * @param {ReadonlyArray<{ type: string, body?: any }>} events
 * @returns {Set<string>}
 */
export function openDoors(events) {
  const seen = new Set();
  const open = new Set();
  for (const e of events) {
    const cellId = e.body?.cellId;
    if (typeof cellId !== 'string' || !e.type.startsWith('door.') || seen.has(cellId)) continue;
    if (e.type === 'door.opened' || e.type === 'door.forced-open') open.add(cellId);
    if (e.type === 'door.opened' || e.type === 'door.forced-open' || e.type === 'door.closed') {
      seen.add(cellId);
    }
  }
  return open;
}

/**
 * Free and total cells of each size the locker has, in size order.
 * @param {Record<string, number>} free @param {Record<string, number>} total
 * @returns {{ size: string, free: number, total: number }[]}
 */
export function capacityBySize(free, total) {
  return SIZES.map((size) => ({ size, free: free[size] ?? 0, total: total[size] ?? 0 })).filter(
    (row) => row.total > 0,
  );
}

/** @typedef {{ id: string, address: string, siteId: string | null, siteName?: string | null, online: boolean, openAlarms: number }} LockerRow */

/**
 * The fleet list as filtered: text matches id, address or site name (any case), site exact, state one of
 * online, offline, alarm.
 * @template {LockerRow} L
 * @param {readonly L[]} lockers @param {{ text?: string, site?: string, state?: string }} filter
 * @returns {L[]}
 */
export function filterLockers(lockers, filter) {
  const text = (filter.text ?? '').trim().toLowerCase();
  return lockers.filter((l) => {
    if (text !== '' && !`${l.id} ${l.address} ${l.siteName ?? ''}`.toLowerCase().includes(text)) {
      return false;
    }
    if (filter.site && l.siteId !== filter.site) return false;
    if (filter.state === 'online' && !l.online) return false;
    if (filter.state === 'offline' && l.online) return false;
    if (filter.state === 'alarm' && l.openAlarms === 0) return false;
    return true;
  });
}

/**
 * Positions on a width×height canvas: equirectangular with longitude scaled by the mean
 * latitude's cosine (true to shape at city size), the bounding box fitted with a margin.
 * @param {ReadonlyArray<{ lat: number, lon: number }>} points
 * @param {number} width @param {number} height @param {number} margin
 * @returns {{ x: number, y: number }[]}
 */
export function project(points, width, height, margin) {
  if (points.length === 0) return [];
  const meanLat = points.reduce((s, p) => s + p.lat, 0) / points.length;
  const k = Math.cos((meanLat * Math.PI) / 180);
  const xs = points.map((p) => p.lon * k);
  const ys = points.map((p) => p.lat);
  const [minX, maxX, minY, maxY] = [
    Math.min(...xs),
    Math.max(...xs),
    Math.min(...ys),
    Math.max(...ys),
  ];
  const span = Math.max(maxX - minX, maxY - minY, 1e-6);
  const scale = Math.min((width - 2 * margin) / span, (height - 2 * margin) / span);
  const offX = (width - (maxX - minX) * scale) / 2;
  const offY = (height - (maxY - minY) * scale) / 2;
  return points.map((_, i) => ({
    x: round(offX + ((xs[i] ?? 0) - minX) * scale),
    // North is up: larger latitude, smaller y.
    y: round(offY + (maxY - (ys[i] ?? 0)) * scale),
  }));
}

/** @param {number} n */
const round = (n) => Math.round(n * 10) / 10;

/** Which console pages a user has, by role (the server checks every call anyway). */
/** @param {{ role: string, tenantId?: string | null }} user */
export function pagesFor(user) {
  if (user.tenantId) return ['orders', 'keys'];
  if (user.role === 'admin') return ['fleet', 'alarms', 'orders', 'tenants'];
  return ['fleet', 'alarms', 'orders'];
}

/** Whether a role may act (open, service, acknowledge, order changes), not only look. */
/** @param {{ role: string }} user */
export function canAct(user) {
  return user.role === 'dispatcher' || user.role === 'admin';
}
