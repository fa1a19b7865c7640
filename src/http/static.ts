import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Content types of the dashboard's files, by extension. */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** One file served from memory. */
interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function asset(file: string): Asset {
  const body = readFileSync(file);
  return { body, type: TYPES[extname(file)] ?? 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/**
 * The dashboard's files by URL path: every `.html`, `.js` and `.css` file of {@link webRoot}
 * (`/index.html` also as `/`) and uPlot's `uPlot.esm.js` and `uPlot.min.css` under
 * `/vendor/uplot/`. Read once at start.
 * @throws Error (ENOENT) when uPlot is not installed
 */
export function dashboardAssets(): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const web = webRoot();
  for (const name of readdirSync(web)) if (TYPES[extname(name)]) out.set(`/${name}`, asset(join(web, name)));
  const index = out.get('/index.html');
  if (index) out.set('/', index);
  for (const name of ['uPlot.esm.js', 'uPlot.min.css']) out.set(`/vendor/uplot/${name}`, asset(join(uplotDist(), name)));
  return out;
}

/**
 * Serves the dashboard's fixed set of files ({@link dashboardAssets}) from memory: `GET`/`HEAD`
 * only, `cache-control: no-cache` with an ETag (a revisit costs a 304), nothing else on disk
 * reachable (no paths are resolved from a request, so no traversal), no directory listings. A
 * handful of files known at start need no static-file server: this saves the ~8 MB of resident
 * memory that `@fastify/static` and its dependencies cost (measured by loading the modules alone
 * in Node.js 20), which matters on a Pi with the dashboard open.
 */
export async function registerStatic(app: FastifyInstance): Promise<void> {
  const assets = dashboardAssets();
  for (const [url, a] of assets) {
    app.get(url, async (req, reply) => {
      void reply.header('content-type', a.type).header('cache-control', 'no-cache').header('etag', a.etag);
      if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
      return reply.send(a.body);
    });
  }
}
