import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Aedes, type AedesOptions } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';

/** A real MQTT broker on 127.0.0.1 that a test can stop and restart on the same port. */
export interface BrokerHarness {
  name: string;
  port: number;
  url: string;
  /** Stops the broker; every client connection drops. Retained messages are lost (no persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops for good and cleans up. */
  close(): Promise<void>;
}

/** Resolves within `ms` real milliseconds or rejects naming `what`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]).finally(() => clearTimeout(t));
}

/** aedes 1.x in-process: `await Aedes.createBroker()`, served by `net.createServer(broker.handle)`. */
export async function startAedes(options: AedesOptions = {}): Promise<BrokerHarness & { broker(): Aedes }> {
  let broker: Aedes;
  let server: net.Server;
  const sockets = new Set<net.Socket>();
  let port = 0;
  const listen = async (): Promise<void> => {
    broker = await Aedes.createBroker(options);
    server = net.createServer(broker.handle);
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.address() as net.AddressInfo).port;
  };
  const stop = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await within(closed, 5000, 'aedes server close');
  };
  await listen();
  return {
    name: 'aedes',
    port,
    url: `mqtt://127.0.0.1:${port}`,
    broker: () => broker,
    stop,
    restart: listen,
    close: async () => {
      if (server.listening) await stop();
    },
  };
}

/** The mosquitto binary: /usr/sbin/mosquitto, or on PATH; `null` when not installed. */
export function findMosquitto(): string | null {
  const dirs = ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(delimiter)];
  for (const d of dirs) if (d && existsSync(join(d, 'mosquitto'))) return join(d, 'mosquitto');
  return null;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * mosquitto as a child process on a free port: `listener <port> 127.0.0.1`, anonymous, no
 * persistence; `extraConf` lines replace the anonymous access (e.g. `password_file`, `acl_file`).
 */
export async function startMosquitto(bin: string | null, extraConf?: string): Promise<BrokerHarness> {
  if (!bin) throw new Error('REQUIRE_MOSQUITTO is set but the mosquitto binary is not installed (looked in /usr/sbin and PATH)');
  const dir = mkdtempSync(join(tmpdir(), 'mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\npersistence false\n${extraConf ?? 'allow_anonymous true\n'}`);
  let child: ChildProcess | null = null;
  let log = '';
  const launch = async (): Promise<void> => {
    const c = spawn(bin, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    try {
      await waitForPort(port, 5000);
    } catch (e) {
      c.kill('SIGKILL');
      throw new Error(`${(e as Error).message}\n${log}`);
    }
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    await within(exited, 5000, 'mosquitto exit');
  };
  await launch();
  return {
    name: 'mosquitto',
    port,
    url: `mqtt://127.0.0.1:${port}`,
    stop,
    restart: launch,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One received message. */
export interface Seen {
  topic: string;
  payload: string;
  retain: boolean;
}

/** A plain MQTT.js subscriber standing in for Home Assistant / a keeper's dashboard. */
export class Observer {
  readonly messages: Seen[] = [];

  private constructor(readonly client: MqttClient) {}

  static async connect(url: string, filter = '#'): Promise<Observer> {
    const client = await within(mqtt.connectAsync(url, { reconnectPeriod: 0, clientId: `observer-${Math.random().toString(16).slice(2, 10)}` }), 5000, 'observer connect');
    client.on('error', () => undefined); // a stopped broker is expected in these tests
    const o = new Observer(client);
    client.on('message', (topic, payload, packet) => o.messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await within(client.subscribeAsync(filter, { qos: 1 }), 5000, 'observer subscribe');
    return o;
  }

  on(topic: string): Seen[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  last(topic: string): Seen | undefined {
    const l = this.on(topic);
    return l[l.length - 1];
  }

  async publish(topic: string, payload: string, retain = false): Promise<void> {
    await within(this.client.publishAsync(topic, payload, { qos: 1, retain }), 5000, `publish ${topic}`);
  }

  close(): void {
    this.client.end(true);
  }
}
