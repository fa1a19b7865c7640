import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { Controller } from '../../src/app/controller.js';
import { silentLogger } from '../../src/app/logger.js';
import { SystemClock } from '../../src/hal/system-clock.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Outbox } from '../../src/store/outbox.js';
import { outboxFile, outboxOptions, Telemetry } from '../../src/telemetry/telemetry.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { startAedes } from '../telemetry/support/brokers.js';
import { simulatedRaw, toConfig, withMqtt } from './configs.js';
import { startRig } from './sim-rig.js';

export interface TelemetryDrain {
  /** Rows in the outbox after the simulated outage. */
  backlog: number;
  /** Rows delivered (PUBACKed and removed) per wall second while draining the backlog. */
  rowsPerSecond: number;
  /** Reading messages the broker received per wall second during the drain. */
  readingsPerSecond: number;
  drainSeconds: number;
  /** Worst extra delay of a control tick during the drain, ms (interval between completed ticks minus the period). */
  maxTickDelayMs: number;
  /** Ticks completed during the drain. */
  ticksDuringDrain: number;
  /** Worst event-loop delay seen during the drain, ms (perf_hooks, 1 ms resolution): what any timer, a tick included, could have waited. */
  maxEventLoopDelayMs: number;
  tickMs: number;
  /** Reference: a bare MQTT.js client publishing the same number of QoS 1 messages, 16 in flight, to the same broker, per second. */
  rawClientPerSecond: number;
}

/** Messages in flight for the reference client: the outbox drainer's window (`DRAIN_WINDOW`). */
const WINDOW = 16;

/** A bare MQTT.js client publishing `n` QoS 1 messages of `payload` with {@link WINDOW} in flight; messages per second. */
async function rawPublishRate(url: string, n: number, payload: string): Promise<number> {
  const client = mqtt.connect(url, { reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    const pump = (): void => {
      while (sent < n && sent - acked < WINDOW) {
        sent++;
        client.publish('bench/raw', payload, { qos: 1 }, (err) => {
          if (err) return reject(err);
          if (++acked === n) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  const rate = n / ((performance.now() - t0) / 1000);
  await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  return rate;
}

/** Control period of the drain run, ms (the schema's minimum: ten ticks per second sample the drain finely). */
const DRAIN_TICK_MS = 100;

/**
 * Telemetry after a one-hour broker outage. Outage: the controller runs one simulated hour in
 * virtual time with a broker that never answers and one reading per second
 * (`publishIntervalSeconds: 1`), so the SQLite outbox fills with ~3,600 readings plus events.
 * Drain: a new controller process on the same state directory, in real time (SystemClock,
 * simulated hardware, {@link DRAIN_TICK_MS} ticks), connects to aedes in-process on 127.0.0.1; the
 * outbox drains (QoS 1, at most 16 in flight) while the ticks go on. Measures the drain rate and
 * how late ticks complete meanwhile.
 */
export async function measureTelemetryDrain(): Promise<TelemetryDrain> {
  // On a real disk: the config loader refuses state directories under /dev (e.g. /dev/shm).
  const stateDirPath = mkdtempSync(join(tmpdir(), 'terrarium-bench-drain-'));
  const state = { dir: stateDirPath, remove: () => rmSync(stateDirPath, { recursive: true, force: true }) };
  const broker = await startAedes();
  try {
    const raw = withMqtt(simulatedRaw(), { url: broker.url, publishIntervalSeconds: 1, commandsEnabled: false });
    raw.controller.tickMs = DRAIN_TICK_MS;
    // The outage is the last hour before now, so its rows are within the outbox's age bound.
    const start = new Date(Date.now() - 3_600_000 - 60_000).toISOString();
    raw.hardware = { ...raw.hardware, sim: { ...raw.hardware.sim, start } };
    const outageConfig = toConfig({ ...raw, controller: { ...raw.controller, tickMs: 1000 } });
    const outage = await startRig(outageConfig, { telemetry: 'offline', stateDir: state.dir });
    await outage.run(3_600_000);
    await outage.stop();

    const config = toConfig({ ...raw, controller: { ...raw.controller, stateDir: state.dir } });
    const clock = new SystemClock();
    const world = new SimWorld(config, clock);
    const log = silentLogger();
    const random = new SeededRandom(1);
    const outbox = new Outbox(outboxFile(config), outboxOptions(config, clock));
    const backlog = outbox.pending();
    const sample = outbox.peek(1)[0]?.payload ?? '{}';
    let telemetry: Telemetry | undefined;
    const completions: number[] = [];
    const controller = new Controller({
      config,
      hardware: world.hardware(),
      log,
      random,
      telemetry: (sink) => {
        const t = new Telemetry({ config, clock, random, log, outbox, sink });
        telemetry = t;
        return {
          start: () => t.start(),
          publishSnapshot: (s) => t.publishSnapshot(s),
          publishHealth: (h) => t.publishHealth(h),
          publishEvent: (id, ev) => t.publishEvent(id, ev),
          drainCommands: (n) => t.drainCommands(n),
          health: () => [t.brokerHealth()],
          stop: () => t.stop(),
        };
      },
      onTick: () => completions.push(performance.now()),
    });
    let readings = 0;
    broker.broker().on('publish', (packet, client) => {
      if (client && packet.topic.endsWith('/readings')) readings++;
    });
    const eld = monitorEventLoopDelay({ resolution: 1 });
    await controller.start();
    // Connected: the drain starts at the first publish from the outbox.
    const deadline = performance.now() + 10_000;
    while (!telemetry?.status().connected) {
      if (performance.now() > deadline) throw new Error('telemetry did not connect to aedes');
      await sleep(1);
    }
    const t0 = performance.now();
    const ticks0 = completions.length;
    const readings0 = readings;
    eld.enable();
    // Drained when the backlog is gone (only the current second's reading may be pending).
    while (outbox.pending() > 2) {
      if (performance.now() - t0 > 120_000) throw new Error(`outbox still holds ${outbox.pending()} rows after 120 s`);
      await sleep(5);
    }
    const t1 = performance.now();
    eld.disable();
    const drained = completions.slice(Math.max(0, ticks0 - 1)).filter((t) => t <= t1 + DRAIN_TICK_MS);
    let maxTickDelayMs = 0;
    for (let i = 1; i < drained.length; i++) maxTickDelayMs = Math.max(maxTickDelayMs, drained[i] - drained[i - 1] - DRAIN_TICK_MS);
    const drainSeconds = (t1 - t0) / 1000;
    const result: TelemetryDrain = {
      backlog,
      rowsPerSecond: (backlog - outbox.pending()) / drainSeconds,
      readingsPerSecond: (readings - readings0) / drainSeconds,
      drainSeconds,
      maxTickDelayMs,
      ticksDuringDrain: drained.length,
      maxEventLoopDelayMs: eld.max / 1e6,
      tickMs: DRAIN_TICK_MS,
      rawClientPerSecond: 0,
    };
    await controller.stop();
    outbox.close();
    result.rawClientPerSecond = await rawPublishRate(broker.url, backlog, sample);
    return result;
  } finally {
    await broker.close();
    state.remove();
  }
}
