import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UserRole } from '../users/user-store.ts';
import { HttpError } from './http-error.ts';

/**
 * What a console user's role allows, in one table over every route (API keys are not limited
 * by it: a key acts with its owner's full rights, as before). Reading needs `viewer`; changing
 * anything needs `admin` unless listed here; the dispatcher's work is listed.
 */
const RANK: Record<UserRole, number> = { viewer: 0, dispatcher: 1, admin: 2 };

const ROUTE_ROLES: Record<string, UserRole> = {
  'DELETE /v1/session': 'viewer',
  'POST /v1/operator/lockers/:id/remote-open': 'dispatcher',
  'POST /v1/operator/lockers/:id/cells/:cellId/service': 'dispatcher',
  'POST /v1/operator/alarms/:id/ack': 'dispatcher',
  'POST /v1/operator/alarms/:id/resolve': 'dispatcher',
  'POST /v1/orders': 'dispatcher',
  'POST /v1/orders/:id/cancel': 'dispatcher',
  'POST /v1/orders/:id/extend': 'dispatcher',
  'POST /v1/orders/:id/redirect': 'dispatcher',
  // Reading these is administration too: keys, users and other tenants' deliveries.
  'GET /v1/keys': 'admin',
  'GET /v1/admin/users': 'admin',
  'GET /v1/operator/tenants/:id/keys': 'admin',
  'GET /v1/operator/tenants/:id/webhooks/deliveries': 'admin',
};

/** The role a route needs from a console user. */
export function roleFor(method: string, url: string): UserRole {
  const listed = ROUTE_ROLES[`${method} ${url}`];
  if (listed !== undefined) return listed;
  return method === 'GET' || method === 'HEAD' ? 'viewer' : 'admin';
}

export const hasRole = (role: UserRole, needed: UserRole) => RANK[role] >= RANK[needed];

export function requireRole(request: FastifyRequest, needed: UserRole): void {
  const user = request.caller?.user;
  if (user !== undefined && !hasRole(user.role, needed)) {
    throw new HttpError(403, 'forbidden', `not allowed: this needs the ${needed} role`, {
      role: user.role,
      needed,
    });
  }
}

/** Checked before the body is read: a viewer gets 403 whatever it sends. */
export function installRolePolicy(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const url = request.routeOptions.url;
    // No route matched: the 404 handler answers, not the role table.
    if (request.caller?.user === undefined || url === undefined) return;
    requireRole(request, roleFor(request.method, url));
  });
}
