import { createServer, type Server } from 'node:net';
import { chmodSync, rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { describeError } from '../errors.js';

/** A Windows named pipe (`\\.\pipe\...`) has no file to remove. */
function isNamedPipe(path: string): boolean {
  return path.startsWith('\\\\.\\pipe\\');
}

/** Requests the local status socket understands: one JSON line in, one JSON line out. */
export type StatusRequest = { cmd: 'status' } | { cmd: 'ack'; enclosureId?: string };

/**
 * A local Unix socket (`<stateDir>/terrarium.sock`, mode 0600) through which `terrarium status`
 * and `terrarium ack` talk to the running controller. Local only: nothing listens on the network.
 * Handlers run on the event loop between ticks; a bad request gets an error reply, never a crash.
 */
export class StatusServer {
  private server: Server | undefined;

  constructor(
    private readonly path: string,
    private readonly handle: (req: StatusRequest) => unknown,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    if (!isNamedPipe(this.path)) rmSync(this.path, { force: true });
    const server = createServer((sock) => {
      let buf = '';
      sock.setEncoding('utf8');
      sock.on('error', () => sock.destroy());
      sock.on('data', (chunk: string) => {
        buf += chunk;
        if (buf.length > 4096) {
          sock.end(`${JSON.stringify({ ok: false, error: 'request too long' })}\n`);
          return;
        }
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        let reply: unknown;
        try {
          const req = JSON.parse(buf.slice(0, nl)) as StatusRequest;
          if (req?.cmd !== 'status' && req?.cmd !== 'ack') throw new Error('unknown command');
          reply = { ok: true, result: this.handle(req) };
        } catch (e) {
          reply = { ok: false, error: describeError(e) };
        }
        sock.end(`${JSON.stringify(reply)}\n`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    // Owner only: the socket acknowledges faults. (Node creates it with the process umask, 0755 typically.)
    chmodSync(this.path, 0o600);
    server.on('error', (e) => this.log.warn({ err: describeError(e) }, 'status socket error'));
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    if (!isNamedPipe(this.path)) rmSync(this.path, { force: true });
  }
}

/** Sends one request to a running controller's status socket. Rejects when nothing listens. */
export async function queryStatusSocket(path: string, req: StatusRequest): Promise<unknown> {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${JSON.stringify(req)}\n`));
    sock.on('data', (c: string) => {
      buf += c;
    });
    sock.on('end', () => {
      try {
        const reply = JSON.parse(buf) as { ok: boolean; result?: unknown; error?: string };
        if (reply.ok) resolve(reply.result);
        else reject(new Error(reply.error ?? 'error'));
      } catch (e) {
        reject(e as Error);
      }
    });
    sock.on('error', reject);
  });
}
