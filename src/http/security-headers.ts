import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every answer (@fastify/helmet): a strict Content Security Policy (scripts,
 * styles, images, fetches only from this origin; no inline code, no framing, no plugins, forms post
 * only here), `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
 * `X-Frame-Options` and helmet's other defaults. HSTS and `upgrade-insecure-requests` only when
 * the server speaks TLS itself (on plain HTTP they would break a loopback or LAN dashboard).
 */
export async function registerSecurityHeaders(app: FastifyInstance, o: { tls: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(o.tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: o.tls ? { maxAge: 180 * 24 * 3600 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}
