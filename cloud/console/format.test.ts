import { describe, expect, it } from 'vitest';
import {
  ago,
  canAct,
  capacityBySize,
  cellState,
  dateTime,
  filterLockers,
  openDoors,
  pagesFor,
  project,
} from './static/format.js';

const locker = (
  id: string,
  address: string,
  more: Partial<{ siteId: string | null; online: boolean; openAlarms: number }> = {},
) => ({
  id,
  address,
  siteId: null,
  online: true,
  openAlarms: 0,
  ...more,
});

describe('console formatting (pure page helpers)', () => {
  it('formats date and time per language', () => {
    const at = Date.UTC(2026, 10, 25, 17, 5, 9);
    // The page runs in the operator's time zone; compare with the same zone's parts.
    const d = new Date(at);
    const hh = String(d.getHours()).padStart(2, '0');
    expect(dateTime(at, 'ru')).toBe(`25.11.2026, ${hh}:05:09`);
    expect(dateTime(at, 'en')).toBe(`25/11/2026, ${hh}:05:09`);
  });

  it.each([
    [30_000, 'ru', '30 секунд назад'],
    [5 * 60_000, 'en', '5 minutes ago'],
    [3 * 3_600_000, 'en', '3 hours ago'],
    [2 * 86_400_000, 'ru', 'позавчера'],
  ])('says %i ms ago in %s as "%s"', (ms, lang, text) => {
    const now = 1_800_000_000_000;
    expect(ago(now - ms, now, lang)).toBe(text);
  });

  it('colours a cell: out of service first, then an open door, then what the cloud says', () => {
    expect(cellState({ inService: false, state: 'occupied' }, true)).toBe('out-of-service');
    expect(cellState({ inService: true, state: 'occupied' }, true)).toBe('open');
    expect(cellState({ inService: true, state: 'alarm' })).toBe('alarm');
    expect(cellState({ inService: true })).toBe('free');
  });

  it("finds open doors from each cell's latest door event (newest first)", () => {
    const events = [
      { type: 'door.closed', body: { cellId: 'C1' } },
      { type: 'parcel.deposited', body: { cellId: 'C2' } },
      { type: 'door.opened', body: { cellId: 'C2' } },
      { type: 'door.opened', body: { cellId: 'C1' } },
      { type: 'door.forced-open', body: { cellId: 'C3' } },
      { type: 'door.closed', body: { cellId: 'C2' } },
      { type: 'door.unlocked', body: { cellId: 'C4' } },
    ];
    expect([...openDoors(events)].sort()).toEqual(['C2', 'C3']);
  });

  it('lists free and total cells of each size the locker has, in size order', () => {
    expect(capacityBySize({ S: 1, M: 0, L: 0, XL: 0 }, { S: 2, M: 3, L: 0, XL: 0 })).toEqual([
      { size: 'S', free: 1, total: 2 },
      { size: 'M', free: 0, total: 3 },
    ]);
  });

  it('filters lockers by text (id or address, any case), site and state', () => {
    const all = [
      { ...locker('L1', 'Тверская 1', { siteId: 'S1' }), siteName: 'ЖК Север' },
      locker('L2', 'Арбат 5', { online: false }),
      locker('L3', 'Тверская 9', { openAlarms: 2, siteId: 'S1' }),
    ];
    const ids = (f: Parameters<typeof filterLockers>[1]) => filterLockers(all, f).map((l) => l.id);
    expect(ids({ text: 'тверская' })).toEqual(['L1', 'L3']);
    expect(ids({ text: ' l2 ' })).toEqual(['L2']);
    expect(ids({ text: 'север' })).toEqual(['L1']);
    expect(ids({ site: 'S1', state: 'alarm' })).toEqual(['L3']);
    expect(ids({ state: 'offline' })).toEqual(['L2']);
    expect(ids({ state: 'online' })).toEqual(['L1', 'L3']);
    expect(ids({})).toEqual(['L1', 'L2', 'L3']);
  });

  it('projects positions north up, east right, inside the margins', () => {
    const points = [
      { lat: 55.75, lon: 37.6 },
      { lat: 55.8, lon: 37.6 },
      { lat: 55.75, lon: 37.7 },
    ];
    const [sw, nw, se] = project(points, 600, 400, 20);
    expect(nw!.y).toBeLessThan(sw!.y);
    expect(se!.x).toBeGreaterThan(sw!.x);
    for (const p of [sw!, nw!, se!]) {
      expect(p.x).toBeGreaterThanOrEqual(20);
      expect(p.x).toBeLessThanOrEqual(580);
      expect(p.y).toBeGreaterThanOrEqual(20);
      expect(p.y).toBeLessThanOrEqual(380);
    }
    // A single locker (or all at one spot) lands in the middle, not at NaN.
    expect(project([{ lat: 55, lon: 37 }], 600, 400, 20)).toEqual([{ x: 300, y: 200 }]);
    expect(project([], 600, 400, 20)).toEqual([]);
  });

  it('gives each role its pages and says who may act', () => {
    expect(pagesFor({ role: 'viewer' })).toEqual(['fleet', 'alarms', 'orders']);
    expect(pagesFor({ role: 'admin' })).toContain('tenants');
    expect(pagesFor({ role: 'admin', tenantId: 't1' })).toEqual(['orders', 'keys']);
    expect(canAct({ role: 'viewer' })).toBe(false);
    expect(canAct({ role: 'dispatcher' })).toBe(true);
  });
});
