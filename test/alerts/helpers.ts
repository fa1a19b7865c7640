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
  /** Take requests but never answer (a receiver that hangs). */
  hang = false;
  port = 0;
  private server: Server | undefined;

  async up(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.got.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (this.hang) return;
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

/** The shipped simulated configuration with `alerts` (and any other change) applied, as if read from `<stateDir>/config.json`, in a fresh state directory. */
export function simConfig(alerts: Record<string, unknown>, mutate: (raw: any) => void = () => undefined, stateDir = mkdtempSync(join(tmpdir(), 'alerts-'))): Config {
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = stateDir;
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  raw.alerts = alerts;
  mutate(raw);
  // the "config file" lives in the fresh directory too: secret files given relative to it go there
  return parseConfig(raw, join(stateDir, 'config.json'));
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

/** One message a fake SMTP server accepted. */
export interface Mail {
  from: string;
  to: string[];
  user: string | undefined;
  password: string | undefined;
  raw: string;
}

/** A real SMTP peer (smtp-server) on 127.0.0.1 without TLS; accepts one login (`user`/`password`) when given. */
export async function smtpPeer(login?: { user: string; password: string }): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const { SMTPServer } = await import('smtp-server');
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !login,
    logger: false,
    onAuth(auth, _session, cb) {
      if (login && auth.username === login.user && auth.password === login.password) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          password: login?.password,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  const port = await new Promise<number>((resolve) => {
    const s = server.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
  });
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Advances virtual time by `ms` a second at a time, letting every delivery started (real HTTP or
 * SMTP) finish before time moves on, so a send is never timed out by virtual time racing ahead.
 */
export async function runFor(clock: { advance(ms: number): Promise<void> }, alerter: { idle(): Promise<void> }, ms: number): Promise<void> {
  await clock.advance(0);
  await alerter.idle();
  for (let t = 0; t < ms; t += 1000) {
    await clock.advance(Math.min(1000, ms - t));
    await alerter.idle();
  }
}
