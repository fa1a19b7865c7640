import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { Controller, type TelemetryPort } from '../../src/app/controller.js';
import type { TickOutcome } from '../../src/app/enclosure-runtime.js';
import { silentLogger } from '../../src/app/logger.js';
import type { Config } from '../../src/config/load.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Outbox } from '../../src/store/outbox.js';
import { outboxFile, outboxOptions, Telemetry } from '../../src/telemetry/telemetry.js';
import { drive, DEFAULT_SIM_START } from '../../simulators/run-simulation.js';
import { createSimStateDir } from '../../simulators/sim-state-dir.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

/**
 * A broker that never answers: an MQTT.js client stand-in that never emits `connect`, so the
 * telemetry stays offline and every reading and event goes to (and stays in) the SQLite outbox.
 * This is the "report to outbox" half of a full tick without a network in the measurement.
 */
export function offlineConnect(): MqttClient {
  const client = new EventEmitter() as EventEmitter & { end: () => void; stream: undefined };
  client.end = () => undefined;
  client.stream = undefined;
  return client as unknown as MqttClient;
}

/** What {@link startRig} builds: one controller on the simulated terrarium in virtual time. */
export interface SimRig {
  clock: VirtualClock;
  world: SimWorld;
  controller: Controller;
  config: Config;
  /** Telemetry's outbox (undefined without telemetry). */
  outbox: Outbox | undefined;
  /** Completed control ticks. */
  ticks(): number;
  /** Runs virtual time forward by `ms` (timers fire in order: ticks, supervisor, driver waits). */
  run(ms: number): Promise<void>;
  /** Stops the controller (outputs safe), closes the outbox and removes the state directory. */
  stop(): Promise<void>;
}

export interface RigOptions {
  /** `offline`: real Telemetry + SQLite outbox with a broker that never answers; `none`: no MQTT. */
  telemetry: 'offline' | 'none';
  seed?: number;
  /** Durable state here (kept at stop); default: a private directory on the RAM disk, removed at stop. */
  stateDir?: string;
  onTick?: (outcomes: TickOutcome[], rig: SimRig) => void;
}

/** Chunk of virtual time per `runUntilMonotonic` call, ms (as `runSimulation` does). */
const STEP_MS = 60_000;

/**
 * The benchmarks' simulation rig: the real `Controller` (tick loop on the virtual clock, supervisor,
 * state document) on `SimWorld` (register-level BME280, DS18B20 text, GPIO relays, physics), with
 * the real `Telemetry` writing to a SQLite outbox when asked. Unlike `runSimulation` it keeps no
 * report recorder, so what is measured is the controller and the simulated hardware only.
 * `config.mqtt` must be set for `telemetry: 'offline'`.
 */
export async function startRig(config: Config, o: RigOptions): Promise<SimRig> {
  const state = o.stateDir === undefined ? createSimStateDir('terrarium-bench-') : { dir: o.stateDir, remove: () => undefined };
  const cfg: Config = { ...config, controller: { ...config.controller, stateDir: state.dir } };
  const clock = new VirtualClock(Date.parse(cfg.hardware.sim.start ?? DEFAULT_SIM_START));
  const world = new SimWorld(cfg, clock, o.seed);
  const log = silentLogger();
  const random = new SeededRandom(o.seed ?? cfg.hardware.sim.seed);
  let outbox: Outbox | undefined;
  let ticks = 0;
  let rig: SimRig | undefined;
  const telemetry =
    o.telemetry === 'offline'
      ? (sink: ConstructorParameters<typeof Telemetry>[0]['sink']): TelemetryPort => {
          if (!cfg.mqtt) throw new Error('startRig: telemetry "offline" needs an mqtt section in the config');
          const box = new Outbox(outboxFile(cfg), outboxOptions(cfg, clock));
          outbox = box;
          const t = new Telemetry({ config: cfg, clock, random, log, outbox: box, sink, connect: offlineConnect });
          return {
            start: () => t.start(),
            publishSnapshot: (s) => t.publishSnapshot(s),
            publishHealth: (h) => t.publishHealth(h),
            publishEvent: (id, ev) => t.publishEvent(id, ev),
            drainCommands: (n) => t.drainCommands(n),
            health: () => [t.brokerHealth()],
            stop: () => t.stop(),
          };
        }
      : undefined;
  const controller = new Controller({
    config: cfg,
    hardware: world.hardware(),
    log,
    random,
    telemetry,
    onTick: (outcomes) => {
      ticks++;
      if (rig) o.onTick?.(outcomes, rig);
    },
  });
  await drive(clock, controller.start());
  rig = {
    clock,
    world,
    controller,
    config: cfg,
    get outbox() {
      return outbox;
    },
    ticks: () => ticks,
    async run(ms: number) {
      const end = clock.monotonic() + ms;
      for (let t = Math.min(end, clock.monotonic() + STEP_MS); ; t = Math.min(end, t + STEP_MS)) {
        await clock.runUntilMonotonic(t);
        if (t >= end) break;
      }
    },
    async stop() {
      await drive(clock, controller.stop());
      outbox?.close();
      state.remove();
    },
  };
  return rig;
}
