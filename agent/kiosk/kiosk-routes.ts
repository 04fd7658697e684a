import type { BackendResult, KioskBackend } from './kiosk-backend.ts';
import type { KioskSession } from './kiosk-session.ts';
import { PAYMENT_ROUTES } from './payment-routes.ts';
import type { RecentEvents } from './recent-events.ts';
import { bool, int, optionalStr, str } from './request-body.ts';

export interface RouteContext {
  readonly backend: KioskBackend;
  readonly session: KioskSession;
  readonly recent: RecentEvents;
  readonly now: () => number;
  /** Requests refused before reaching the agent, by error code. */
  readonly badRequests: ReadonlyMap<string, number>;
  /** Tells every page that the screen's session ended (logout, idle, new login). */
  readonly sessionEnded: (reason: string) => void;
}

type Body = Record<string, unknown>;
export type Handler = (ctx: RouteContext, body: Body) => unknown;

const noSession = (role: string): BackendResult<never> => ({
  ok: false,
  code: 'not-authorized',
  message: `no ${role} session at this screen; log in again`,
});

/** Runs `fn` with the screen's session of `role`, or answers not-authorized. */
function withSession(
  role: 'courier' | 'technician',
  fn: (ctx: RouteContext, sessionId: string, body: Body) => unknown,
): Handler {
  return (ctx, body) => {
    const held = ctx.session.touch(role, ctx.now());
    return held ? fn(ctx, held.id, body) : noSession(role);
  };
}

function login(ctx: RouteContext, result: ReturnType<KioskBackend['technicianLogin']>) {
  if (!result.ok) return result;
  ctx.session.open(result.session, ctx.now());
  ctx.recent.add('login', { role: result.session.role });
  return { ok: true, role: result.session.role, holderId: result.session.holderId };
}

/** Only what a technician needs to see goes out, and only to a technician's session. */
function technicianStatus(ctx: RouteContext, sessionId: string) {
  const status = ctx.backend.technicianStatus(sessionId);
  if (!status.ok) return status;
  return {
    ok: true,
    alarms: status.alarms,
    boards: status.boards,
    cells: ctx.backend.cells(),
    diagnostics: {
      ...ctx.backend.diagnostics(),
      kioskBadRequests: Object.fromEntries(ctx.badRequests),
    },
    recent: ctx.recent.list(),
  };
}

export const ROUTES: Readonly<Record<string, Handler>> = {
  ...PAYMENT_ROUTES,
  'GET /api/cells': (ctx) => ({ ok: true, cells: ctx.backend.cells() }),
  'POST /api/code': (ctx, b) => ctx.backend.enterCode(str(b, 'code', 16)),
  'POST /api/qr': (ctx, b) => ctx.backend.collectByQr(str(b, 'text', 256)),
  'POST /api/rental/quote': (ctx, b) =>
    ctx.backend.rentalQuote({ size: str(b, 'size', 4), hours: int(b, 'hours') }),
  'POST /api/rental/open': (ctx, b) =>
    ctx.backend.rentalOpen(str(b, 'code', 16), b.finish === undefined ? false : bool(b, 'finish')),
  'POST /api/courier/login': (ctx, b) => {
    const badge = optionalStr(b, 'badge');
    const pin = str(b, 'pin', 16);
    return login(ctx, ctx.backend.courierLogin(badge === undefined ? { pin } : { badge, pin }));
  },
  'POST /api/courier/scan': withSession('courier', (ctx, id, b) =>
    ctx.backend.scanParcel(id, str(b, 'barcode', 64)),
  ),
  'POST /api/courier/does-not-fit': withSession('courier', (ctx, id, b) =>
    ctx.backend.doesNotFit(id, str(b, 'parcelId')),
  ),
  'GET /api/courier/collectable': withSession('courier', (ctx, id) =>
    ctx.backend.courierCollectable(id),
  ),
  'POST /api/courier/collect': withSession('courier', (ctx, id, b) =>
    ctx.backend.courierCollect(id, str(b, 'orderId')),
  ),
  'POST /api/technician/login': (ctx, b) =>
    login(ctx, ctx.backend.technicianLogin(str(b, 'pin', 16))),
  'GET /api/technician/status': withSession('technician', technicianStatus),
  'POST /api/technician/open': withSession('technician', (ctx, id, b) => {
    const cellId = str(b, 'cellId');
    const result = ctx.backend.technicianOpen(id, cellId, str(b, 'reason', 200));
    if (result.ok) ctx.recent.add('technician-open', { cellId });
    return result.ok ? { ok: true, cellIds: [cellId] } : result;
  }),
  'POST /api/technician/service': withSession('technician', (ctx, id, b) =>
    ctx.backend.technicianSetService(id, str(b, 'cellId'), bool(b, 'inService'), str(b, 'reason')),
  ),
  'POST /api/technician/inventory': withSession('technician', (ctx, id) =>
    ctx.backend.inventoryCheck(id),
  ),
  'POST /api/technician/clear-alarm': withSession('technician', (ctx, id, b) =>
    ctx.backend.clearAlarm(id, int(b, 'alarmId')),
  ),
  /** The page reports touches so the server's idle timer follows the person, not the API. */
  'POST /api/touch': (ctx) => {
    const held = ctx.session.current();
    if (held) ctx.session.touch(held.role, ctx.now());
    return { ok: true, session: held?.role ?? null };
  },
  'POST /api/logout': (ctx, b) => {
    const had = ctx.session.current() !== undefined;
    ctx.session.close();
    if (had) ctx.sessionEnded(optionalStr(b, 'reason') ?? 'logout');
    return { ok: true };
  },
};

export function findRoute(method: string, path: string): Handler | undefined {
  return ROUTES[`${method} ${path}`];
}

export function isRoutedPath(path: string): boolean {
  return Object.keys(ROUTES).some((key) => key.endsWith(` ${path}`));
}
