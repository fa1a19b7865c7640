import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpConfig } from '../config/http-schema.js';
import type { Clock } from '../hal/clock.js';
import { readPasswordFile, verifyPassword } from './password.js';
import { SessionStore } from './sessions.js';

/** Name of the session cookie (a random id; HttpOnly, SameSite=Strict, Secure behind TLS). */
export const SESSION_COOKIE = 'terrarium_session';
/** Name of the cookie holding the CSRF secret (signed; the token itself comes from `GET /api/session`). */
export const CSRF_COOKIE = 'terrarium_csrf';
/** What a visitor is told when no password has been set yet. */
export const NO_PASSWORD_MESSAGE = 'no dashboard password is set: run `terrarium passwd` on the controller, then log in';

/** Options of {@link registerAuth}. */
export interface AuthOptions {
  http: HttpConfig;
  passwordFile: string;
  clock: Clock;
  /** Signs the CSRF cookie; random per process, never logged. */
  cookieSecret: string;
  /** Mark cookies `Secure` (TLS here or an HTTPS reverse proxy in front). */
  secureCookies: boolean;
}

/** What the API routes ask of the login: who may read and who may command. */
export interface Auth {
  /** True when the request carries a live session cookie. */
  loggedIn(req: FastifyRequest): boolean;
  /** preHandler: lets logged-in visitors through (and everyone when `readOnlyWithoutLogin`), else 401. */
  requireRead: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** preHandler: lets only logged-in visitors through, else 401. Pair with {@link csrf}. */
  requireLogin: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** onRequest hook refusing (403) a request without a valid CSRF token (`x-csrf-token` header). */
  csrf: FastifyInstance['csrfProtection'];
}

/**
 * Login for the dashboard: `GET /api/session` (state and a CSRF token), `POST /api/login`
 * (`{"password": "..."}`; rate-limited per client address, CSRF-checked), `POST /api/logout`.
 * The password is checked against the scrypt hash in `passwordFile`, read at every login (so
 * `terrarium passwd` takes effect without a restart). Sessions live in memory and expire
 * `http.sessionMinutes` after login on the injected clock. Passwords, session ids and the
 * cookie secret are never logged (the server logs no request at all).
 */
export async function registerAuth(app: FastifyInstance, o: AuthOptions): Promise<Auth> {
  const sessions = new SessionStore(o.clock, o.http.sessionMinutes * 60_000);
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: o.secureCookies };
  await app.register(cookie, { secret: o.cookieSecret });
  await app.register(csrf, { cookieKey: CSRF_COOKIE, cookieOpts: { ...cookieOpts, signed: true } });
  await app.register(rateLimit, { global: false });

  const loggedIn = (req: FastifyRequest): boolean => sessions.valid(req.cookies[SESSION_COOKIE]);
  const unauthorized = (reply: FastifyReply): FastifyReply => reply.code(401).header('cache-control', 'no-store').send({ error: 'log in first' });
  const auth: Auth = {
    loggedIn,
    requireRead: async (req, reply) => {
      if (!o.http.readOnlyWithoutLogin && !loggedIn(req)) await unauthorized(reply);
    },
    requireLogin: async (req, reply) => {
      if (!loggedIn(req)) await unauthorized(reply);
    },
    csrf: app.csrfProtection,
  };

  app.get('/api/session', async (req, reply) => {
    const hash = await readPasswordFile(o.passwordFile);
    const csrfToken = reply.generateCsrf();
    return reply.header('cache-control', 'no-store').send({ authenticated: loggedIn(req), passwordSet: hash !== undefined, readOnlyWithoutLogin: o.http.readOnlyWithoutLogin, csrfToken });
  });

  const windowMs = o.http.login.windowMinutes * 60_000;
  app.post<{ Body: { password?: unknown } }>(
    '/api/login',
    {
      onRequest: app.csrfProtection,
      config: {
        rateLimit: {
          max: o.http.login.maxAttempts,
          timeWindow: windowMs,
          errorResponseBuilder: (_req, ctx) =>
            Object.assign(new Error(`too many login attempts from this address: try again in ${Math.max(1, Math.ceil(ctx.ttl / 60_000))} min`), { statusCode: 429 }),
        },
      },
    },
    async (req, reply) => {
      const password = req.body?.password;
      if (typeof password !== 'string' || password.length === 0) return reply.code(400).send({ error: 'password missing' });
      const hash = await readPasswordFile(o.passwordFile);
      if (!hash) return reply.code(409).send({ error: NO_PASSWORD_MESSAGE });
      if (password.length > 1024 || !(await verifyPassword(password, hash))) return reply.code(401).send({ error: 'wrong password' });
      sessions.end(req.cookies[SESSION_COOKIE]); // a fresh id at every login
      reply.setCookie(SESSION_COOKIE, sessions.create(), { ...cookieOpts, maxAge: o.http.sessionMinutes * 60 });
      return reply.header('cache-control', 'no-store').send({ authenticated: true });
    },
  );

  app.post('/api/logout', { onRequest: app.csrfProtection }, async (req, reply) => {
    sessions.end(req.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, cookieOpts);
    return reply.header('cache-control', 'no-store').send({ authenticated: false });
  });

  return auth;
}
