import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { parseConfig, type Config } from '../../src/config/load.js';

/** One request a fake receiver got. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP receiver on 127.0.0.1 (webhook or ntfy server) that records every request and
 * answers `status`. `down()` closes it (connections refused), `up()` listens again on the same port.
 */
export class Receiver {
  readonly got: Received[] = [];
  status = 200;
  port = 0;
  private server: Server | undefined;

  async up(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.got.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.status, { 'content-type': 'application/json', connection: 'close' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The webhook JSON bodies received, parsed. */
  bodies(): Array<Record<string, any>> {
    return this.got.map((r) => JSON.parse(r.body) as Record<string, any>);
  }
}

/** The shipped simulated configuration with `alerts` (and any other change) applied, in a fresh state directory. */
export function simConfig(alerts: Record<string, unknown>, mutate: (raw: any) => void = () => undefined, stateDir = mkdtempSync(join(tmpdir(), 'alerts-'))): Config {
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = stateDir;
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  raw.alerts = alerts;
  mutate(raw);
  return parseConfig(raw, join(process.cwd(), 'config/simulated.json'));
}

/** A pino logger writing JSON lines into `lines` (to check what is logged). */
export function capturingLogger(lines: string[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return pino({ level: 'trace' }, sink);
}
