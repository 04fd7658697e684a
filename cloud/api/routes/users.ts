import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CloudStore } from '../../store/store.ts';
import { DEFAULT_CONSOLE_SETTINGS } from '../../users/console-settings.ts';
import { hashPassword } from '../../users/password.ts';
import { USER_ROLES, type UserScope, type UserView } from '../../users/user-store.ts';
import { type Caller, callerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { forbidden, notFound, unprocessable } from '../http-error.ts';
import { errorResponses, idParam, security } from '../schemas.ts';

const tags = ['users'];
const password = z.string().min(10, 'password: at least 10 characters').max(200);
const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  operatorId: z.string().nullable(),
  tenantId: z.string().nullable(),
  createdAt: z.number(),
  disabledAt: z.number().nullable(),
});

/** Whom a caller manages: an operator its users and its tenants'; a tenant its own; admin all. */
async function mayManage(store: CloudStore, caller: Caller, user: UserView): Promise<boolean> {
  if (caller.kind === 'admin') return true;
  if (caller.kind === 'tenant') return user.tenantId === caller.id;
  if (caller.kind !== 'operator') return false;
  if (user.operatorId !== null) return user.operatorId === caller.id;
  return user.tenantId !== null && store.operatorServesTenant(caller.id, user.tenantId);
}

/** The scope a new user gets: the body's, checked against what the caller manages. */
async function scopeFor(
  store: CloudStore,
  caller: Caller,
  body: { operatorId?: string | undefined; tenantId?: string | undefined },
): Promise<UserScope> {
  const { operatorId, tenantId } = body;
  if (operatorId !== undefined && tenantId !== undefined) {
    throw unprocessable('give operatorId or tenantId, not both', { field: 'tenantId' });
  }
  if (caller.kind === 'admin') {
    if (operatorId !== undefined) return { operatorId };
    if (tenantId !== undefined) return { tenantId };
    throw unprocessable('the admin key must say operatorId or tenantId', { field: 'operatorId' });
  }
  if (caller.kind === 'tenant') {
    if (operatorId !== undefined || (tenantId ?? caller.id) !== caller.id) {
      throw forbidden('a tenant creates users of its own only');
    }
    return { tenantId: caller.id };
  }
  if (caller.kind !== 'operator') throw forbidden('users are managed by operators and tenants');
  if (tenantId !== undefined) {
    if (!(await store.operatorServesTenant(caller.id, tenantId))) {
      throw forbidden('a tenant this operator does not serve');
    }
    return { tenantId };
  }
  if ((operatorId ?? caller.id) !== caller.id) throw forbidden('another operator’s users');
  return { operatorId: caller.id };
}

export const userRoutes =
  ({ store, console: settings = DEFAULT_CONSOLE_SETTINGS }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    async function managedUser(caller: Caller, userId: string) {
      const user = await store.getUser(userId);
      if (user === undefined || !(await mayManage(store, caller, user))) {
        throw notFound(`user "${userId}"`);
      }
      return user;
    }

    app.post(
      '/v1/admin/users',
      {
        schema: {
          tags,
          security,
          summary: 'Create a console user (admin key, an operator or a tenant, admin role)',
          body: z.strictObject({
            email: z.email().max(200),
            name: z.string().min(1).max(200),
            password,
            role: z.enum(USER_ROLES),
            operatorId: z.string().min(1).max(100).optional(),
            tenantId: z.string().min(1).max(100).optional(),
          }),
          response: { 201: userView, ...errorResponses },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const scope = await scopeFor(store, caller, request.body);
        const { email, name, role } = request.body;
        const user = await store.createUser({
          email,
          name,
          role,
          scope,
          passwordHash: await hashPassword(request.body.password, settings.passwordCost),
          createdBy: caller.user?.id ?? `${caller.kind}:${caller.id}`,
        });
        return reply.code(201).send(user);
      },
    );

    app.get(
      '/v1/admin/users',
      {
        schema: {
          tags,
          security,
          response: { 200: z.object({ users: z.array(userView) }), ...errorResponses },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        if (caller.kind === 'admin') return { users: await store.listUsers(undefined) };
        if (caller.kind === 'operator')
          return { users: await store.listUsers({ operatorId: caller.id }) };
        if (caller.kind === 'tenant')
          return { users: await store.listUsers({ tenantId: caller.id }) };
        throw forbidden('users are managed by operators and tenants');
      },
    );

    for (const [action, disabled] of [
      ['disable', true],
      ['enable', false],
    ] as const) {
      app.post(
        `/v1/admin/users/:id/${action}`,
        {
          schema: {
            tags,
            security,
            summary: disabled ? 'Disable a user: every session of it ends now' : 'Enable a user',
            params: idParam,
            response: { 200: userView, ...errorResponses },
          },
        },
        async (request) => {
          const caller = callerOf(request);
          const user = await managedUser(caller, request.params.id);
          if (disabled && caller.user?.id === user.id) {
            throw unprocessable('you cannot disable yourself', { field: 'id' });
          }
          await store.setUserDisabled(user.id, disabled);
          return (await store.getUser(user.id)) as UserView;
        },
      );
    }

    app.post(
      '/v1/admin/users/:id/password',
      {
        schema: {
          tags,
          security,
          summary: 'Set a new password: every session of the user ends',
          params: idParam,
          body: z.strictObject({ password }),
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const user = await managedUser(callerOf(request), request.params.id);
        await store.resetPassword(
          user.id,
          await hashPassword(request.body.password, settings.passwordCost),
        );
        return reply.code(204).send(null);
      },
    );
  };
