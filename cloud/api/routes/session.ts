import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEFAULT_CONSOLE_SETTINGS } from '../../users/console-settings.ts';
import { signInService } from '../../users/sign-in.ts';
import { USER_ROLES } from '../../users/user-store.ts';
import { callerOf } from '../auth.ts';
import { clearSessionCookie, setSessionCookie } from '../console-auth.ts';
import type { ApiDeps } from '../deps.ts';
import { HttpError, notFound } from '../http-error.ts';
import { errorBody, errorResponses, security } from '../schemas.ts';

const tags = ['session'];

export const sessionUserView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  operatorId: z.string().nullable().describe('set for an operator’s user'),
  tenantId: z.string().nullable().describe('set for a tenant’s user: sees its own orders only'),
});

const sessionView = z.object({
  user: sessionUserView,
  expiresAt: z.number().describe('absolute end of the session'),
  idleExpiresAt: z.number().describe('end if no request comes before it'),
});

/** Console sign-in: an HttpOnly SameSite=Strict cookie, or a Bearer session token on request. */
export const sessionRoutes =
  (deps: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const settings = deps.console ?? DEFAULT_CONSOLE_SETTINGS;
    const signIn = signInService(deps.store, deps.clock, settings);

    app.post(
      '/v1/session',
      {
        schema: {
          tags,
          summary: 'Sign in: sets the session cookie; 5 failures per email lock it for a while',
          body: z.strictObject({
            email: z.string().min(3).max(200),
            password: z.string().min(1).max(200),
            bearer: z
              .boolean()
              .default(false)
              .describe('return the token for an Authorization header instead of a cookie'),
          }),
          response: {
            201: sessionView.extend({ token: z.string().optional() }),
            ...errorResponses,
            429: errorBody,
          },
        },
      },
      async (request, reply) => {
        const { email, password, bearer } = request.body;
        const result = await signIn(email, password, request.ip);
        if (result.outcome === 'locked') {
          const seconds = Math.ceil((result.until - deps.clock.now()) / 1000);
          reply.header('retry-after', String(seconds));
          throw new HttpError(429, 'too-many-attempts', `signing in is locked for ${seconds} s`, {
            retryAfterSeconds: seconds,
          });
        }
        if (result.outcome === 'refused') {
          throw new HttpError(401, 'bad-credentials', 'email or password is wrong');
        }
        const { user, session } = result;
        if (!bearer) {
          setSessionCookie(reply, session.token, settings.absoluteMs, settings);
        }
        return reply.code(201).send({
          user,
          expiresAt: session.expiresAt,
          idleExpiresAt: session.idleExpiresAt,
          ...(bearer ? { token: session.token } : {}),
        });
      },
    );

    app.get(
      '/v1/session',
      {
        schema: {
          tags,
          security,
          summary: 'Who is signed in, with role and scope',
          response: { 200: sessionView, ...errorResponses },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        if (caller.user === undefined) throw notFound('console session (this is an API key)');
        const { user } = caller;
        return {
          user: {
            id: user.id,
            email: user.email,
            name: user.name,
            role: user.role,
            operatorId: caller.kind === 'operator' ? caller.id : null,
            tenantId: caller.kind === 'tenant' ? caller.id : null,
          },
          expiresAt: user.expiresAt,
          idleExpiresAt: user.idleExpiresAt,
        };
      },
    );

    app.delete(
      '/v1/session',
      {
        schema: {
          tags,
          security,
          summary: 'Sign out',
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        if (caller.user === undefined) throw notFound('console session (this is an API key)');
        await deps.store.revokeSession(caller.user.sessionId);
        clearSessionCookie(reply, settings);
        return reply.code(204).send(null);
      },
    );
  };
