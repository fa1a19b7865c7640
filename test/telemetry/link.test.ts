import { EventEmitter } from 'node:events';
import type { IClientOptions, MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import type { Random } from '../../src/resilience/random.js';
import { authRetryDelay, fullJitterDelay, isAuthFailure } from '../../src/telemetry/backoff.js';
import { MqttLink } from '../../src/telemetry/connection.js';
import { T0, silentLog } from './support/fixtures.js';

const fixed = (v: number): Random => ({ next: () => v });

describe('reconnect backoff', () => {
  it.each([
    [0, 0.5, 500],
    [1, 0.5, 1000],
    [3, 0.5, 4000],
    [6, 0.5, 30_000],
    [40, 0.999, 59_940],
    [0, 0, 0],
  ])('after %i failures with random %f waits %i ms (min 1 s, max 60 s)', (failures, r, ms) => {
    expect(fullJitterDelay(failures, 1000, 60_000, fixed(r))).toBe(ms);
  });

  it('waits 50..100 % of authFailureMs after a refused login', () => {
    expect(authRetryDelay(600_000, fixed(0))).toBe(300_000);
    expect(authRetryDelay(600_000, fixed(0.5))).toBe(450_000);
  });

  it.each([
    [4, true],
    [5, true],
    [0x86, true],
    [0x87, true],
    [3, false],
    ['ECONNREFUSED', false],
  ])('treats CONNACK code %s as an auth failure: %s', (code, yes) => {
    expect(isAuthFailure(Object.assign(new Error('x'), { code }))).toBe(yes);
  });
});

/** A stand-in for an MQTT.js client: the test fires its events. */
class FakeClient extends EventEmitter {
  ended = false;
  stream = { destroy: (): void => undefined };
  publish(_t: string, _p: string, _o: unknown, cb?: (err?: Error) => void): this {
    cb?.();
    return this;
  }
  subscribe(): this {
    return this;
  }
  end(): this {
    this.ended = true;
    return this;
  }
}

function setup(random = fixed(0.5)) {
  const clock = new VirtualClock(T0);
  const clients: FakeClient[] = [];
  const options: IClientOptions[] = [];
  let connects = 0;
  const link = new MqttLink({
    url: 'mqtt://127.0.0.1:1',
    clientOptions: () => ({ clientId: 'x', reconnectPeriod: 0 }),
    connect: (_url, o) => {
      options.push(o);
      const c = new FakeClient();
      clients.push(c);
      return c as unknown as MqttClient;
    },
    clock,
    random,
    log: silentLog(),
    reconnect: { minMs: 1000, maxMs: 8000, authFailureMs: 600_000 },
    onConnect: () => connects++,
    onMessage: () => undefined,
    onDown: () => undefined,
  });
  const refuse = (c: FakeClient, err: Error): void => {
    c.emit('error', err);
    c.emit('close');
  };
  return { clock, clients, options, link, refuse, connects: () => connects };
}

describe('MqttLink', () => {
  it('backs off exponentially with jitter on the injected clock while the broker is down', async () => {
    const { clock, clients, link, refuse } = setup();
    link.start();
    expect(clients).toHaveLength(1);
    const econn = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    // Delays with random 0.5: 500, 1000, 2000, 4000, then capped at 8000 * 0.5 = 4000.
    for (const delay of [500, 1000, 2000, 4000, 4000]) {
      refuse(clients[clients.length - 1], econn);
      const before = clients.length;
      await clock.advance(delay - 1);
      expect(clients.length).toBe(before);
      await clock.advance(1);
      expect(clients.length).toBe(before + 1);
    }
    expect(link.status()).toMatchObject({ connected: false, authFailed: false, lastError: 'connect ECONNREFUSED 127.0.0.1:1', attempts: 6 });
    await link.stop(null, 1000);
  });

  it('reports a refused login and waits the long auth backoff instead of retrying', async () => {
    const { clock, clients, link, refuse } = setup();
    link.start();
    refuse(clients[0], Object.assign(new Error('Connection refused: Bad username or password'), { code: 4 }));
    expect(link.status()).toMatchObject({ connected: false, authFailed: true });
    expect(link.status().lastError).toMatch(/MQTT_AUTH: broker refused the login: Connection refused: Bad username or password/);
    await clock.advance(449_999);
    expect(clients).toHaveLength(1);
    await clock.advance(1);
    expect(clients).toHaveLength(2);
    await link.stop(null, 1000);
  });

  it('clears the auth failure and the error after a successful connect, and calls onConnect each time', async () => {
    const { clock, clients, link, refuse, connects } = setup();
    link.start();
    refuse(clients[0], Object.assign(new Error('Not authorized'), { code: 5 }));
    await clock.advance(600_000);
    clients[1].emit('connect');
    expect(link.status()).toMatchObject({ connected: true, authFailed: false });
    expect(link.status().lastError).toBeUndefined();
    clients[1].emit('close');
    expect(link.isConnected()).toBe(false);
    await clock.advance(1000);
    clients[2].emit('connect');
    expect(connects()).toBe(2);
    await link.stop(null, 1000);
  });

  it('ignores events from a client it has replaced', async () => {
    const { clock, clients, link, refuse } = setup();
    link.start();
    refuse(clients[0], new Error('boom'));
    await clock.advance(500);
    clients[0].emit('connect');
    expect(link.isConnected()).toBe(false);
    clients[1].emit('connect');
    expect(link.isConnected()).toBe(true);
    await link.stop(null, 1000);
  });

  it('drives MQTT.js with the options from clientOptions, and stops retrying after stop', async () => {
    const { clock, clients, link, refuse } = setup();
    link.start();
    refuse(clients[0], new Error('x'));
    await link.stop(null, 1000);
    await clock.advance(3600_000);
    expect(clients).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });
});
