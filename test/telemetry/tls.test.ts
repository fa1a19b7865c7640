import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { Aedes } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Outbox } from '../../src/store/outbox.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { RecordingSink, T0, silentLog, testConfig } from './support/fixtures.js';
import { waitFor } from './support/wait.js';

const OPENSSL = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));

/** A private CA and a server certificate for IP 127.0.0.1 signed by it, like a home broker's. */
function makeCerts(dir: string): void {
  const run = (...args: string[]): void => void execFileSync(OPENSSL as string, args, { cwd: dir, stdio: 'ignore' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=terrarium test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=someone else');
}

describe.skipIf(!OPENSSL)('telemetry over mqtts://', { timeout: 30_000 }, () => {
  let dir: string;
  let broker: Aedes;
  let server: tls.Server;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'telemetry-tls-'));
    makeCerts(dir);
    broker = await Aedes.createBroker();
    server = tls.createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, broker.handle as (s: tls.TLSSocket) => void);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const connectWith = async (ca: string): Promise<{ t: Telemetry; close: () => Promise<void> }> => {
    const clock = new VirtualClock(T0);
    const outbox = new Outbox(join(dir, `${ca}.db`), { maxRows: 100, maxAgeMs: 3600_000, clock });
    const config = testConfig({ url: `mqtts://127.0.0.1:${port}`, tls: { ca: join(dir, ca) } });
    const t = new Telemetry({ config, clock, random: new SeededRandom(1), log: silentLog(), outbox, sink: new RecordingSink() });
    await t.start();
    return {
      t,
      close: async () => {
        await t.stop();
        outbox.close();
      },
    };
  };

  it('connects when the broker certificate is signed by the configured CA', async () => {
    const { t, close } = await connectWith('ca.pem');
    try {
      await waitFor(() => t.status().connected, 'TLS connection');
    } finally {
      await close();
    }
  });

  it('refuses a broker certificate from another CA and says why', async () => {
    const { t, close } = await connectWith('other-ca.pem');
    try {
      await waitFor(() => t.status().lastError !== undefined, 'TLS failure');
      expect(t.status().connected).toBe(false);
      expect(t.status().lastError).toMatch(/certificate/i);
    } finally {
      await close();
    }
  });
});
