export declare const SIZES: readonly string[];
export declare function dateTime(ms: number, lang: string): string;
export declare function ago(ms: number, now: number, lang: string): string;
export declare function cellState(
  cell: { state?: string | null; inService?: boolean },
  doorOpen?: boolean,
): string;
export declare function openDoors(
  events: ReadonlyArray<{ type: string; body?: unknown }>,
): Set<string>;
export declare function capacityBySize(
  free: Record<string, number>,
  total: Record<string, number>,
): { size: string; free: number; total: number }[];
export interface LockerRow {
  id: string;
  address: string;
  siteId: string | null;
  siteName?: string | null;
  online: boolean;
  openAlarms: number;
}
export declare function filterLockers<L extends LockerRow>(
  lockers: readonly L[],
  filter: { text?: string; site?: string; state?: string },
): L[];
export declare function project(
  points: ReadonlyArray<{ lat: number; lon: number }>,
  width: number,
  height: number,
  margin: number,
): { x: number; y: number }[];
export declare function pagesFor(user: { role: string; tenantId?: string | null }): string[];
export declare function canAct(user: { role: string }): boolean;
