import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The package's `web/` directory (the dashboard's HTML, CSS and ES modules): found by walking up
 * from this module (`src/http/` when run from source, `dist/src/http/` when built).
 * @throws Error when no `web/index.html` is found within four levels
 */
export function webRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    dir = dirname(dir);
    if (existsSync(join(dir, 'web', 'index.html'))) return join(dir, 'web');
  }
  throw new Error('dashboard files not found: no web/index.html above the http module');
}

/** uPlot's `dist/` directory (ES module and CSS), resolved through the installed package. */
export function uplotDist(): string {
  return join(dirname(createRequire(import.meta.url).resolve('uplot')), '..', 'dist');
}

/** Serves the dashboard at `/` (from {@link webRoot}) and uPlot at `/vendor/uplot/` (its `dist/`). No directory listings. */
export async function registerStatic(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: webRoot(), prefix: '/', index: ['index.html'], list: false, cacheControl: true, maxAge: 0 });
  await app.register(fastifyStatic, { root: uplotDist(), prefix: '/vendor/uplot/', decorateReply: false, list: false, allowedPath: (p) => p === '/uPlot.esm.js' || p === '/uPlot.min.css' });
}
