import { pagesFor } from '../format.js';
import { alarmsScreen } from './alarms.js';
import { fleetScreen } from './fleet.js';
import { keysScreen } from './keys.js';
import { lockerScreen } from './locker.js';
import { ordersScreen } from './orders.js';
import { tenantsScreen } from './tenants.js';

/**
 * @typedef {{ name: string, load: (app: any, params: string[]) => Promise<any>,
 *   render: (app: any, data: any, params: string[]) => Node | Node[],
 *   onEvent?: (app: any, event: any) => boolean }} Screen
 * @type {Record<string, Screen>}
 */
export const SCREENS = {
  fleet: fleetScreen,
  lockers: lockerScreen,
  locker: lockerScreen,
  alarms: alarmsScreen,
  orders: ordersScreen,
  tenants: tenantsScreen,
  keys: keysScreen,
};

/** The screen an address names, if this user has it; else the user's first page. */
/** @param {string} name @param {{ role: string, tenantId?: string | null }} user */
export function screenFor(name, user) {
  const pages = pagesFor(user);
  const wanted = name === 'lockers' ? 'locker' : name;
  const page = wanted === 'locker' ? 'fleet' : wanted;
  if (pages.includes(page)) return SCREENS[wanted] ?? SCREENS.fleet;
  return SCREENS[pages[0] ?? 'orders'] ?? SCREENS.orders;
}
