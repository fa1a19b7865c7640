// The benchmark children's access to the shipped build: every import is from dist/ (`npm run
// build`), never from the TypeScript sources, so what is measured is what `terrarium` runs.
import { EventEmitter } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (test/bench/ is two levels down). */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => import(join(REPO, 'dist', p));

/** Loads a config file with the CLI's own loader (`terrarium run --config F`). */
export async function loadConfigFile(file) {
  const { loadConfig } = await dist('src/config/load.js');
  return loadConfig(file);
}

/** CPU time of this process so far, ms (every thread). */
export function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Prints the child's result as the last stdout line (the parent parses it). */
export function result(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/**
 * A broker that never answers: an MQTT.js client stand-in that never emits `connect`, so the
 * telemetry stays offline and every reading and event goes to (and stays in) the SQLite outbox.
 */
function offlineConnect() {
  const client = new EventEmitter();
  client.end = () => undefined;
  client.stream = undefined;
  return client;
}

/**
 * The real Controller (tick loop, supervisor, state document) on the simulated terrarium
 * (SimWorld) in virtual time, as `runSimulation` runs it but without the report recorder; with
 * `telemetry: 'offline'` the real Telemetry writes to a SQLite outbox behind a broker that never
 * answers (the config needs an `mqtt` section). `run(ms)` advances virtual time in one-minute steps.
 */
export async function startVirtualRig(config, { telemetry = 'none', onTick } = {}) {
  const [{ Controller }, { silentLogger }, { SeededRandom }, { drive, DEFAULT_SIM_START }, { SimWorld }, { VirtualClock }] = await Promise.all([
    dist('src/app/controller.js'),
    dist('src/app/logger.js'),
    dist('src/resilience/random.js'),
    dist('simulators/run-simulation.js'),
    dist('simulators/sim-world.js'),
    dist('simulators/virtual-clock.js'),
  ]);
  const clock = new VirtualClock(Date.parse(config.hardware.sim.start ?? DEFAULT_SIM_START));
  const world = new SimWorld(config, clock);
  const log = silentLogger();
  const random = new SeededRandom(config.hardware.sim.seed);
  let outbox;
  let factory;
  if (telemetry === 'offline') {
    const [{ Outbox }, { Telemetry, outboxFile, outboxOptions }] = await Promise.all([dist('src/store/outbox.js'), dist('src/telemetry/telemetry.js')]);
    factory = (sink) => {
      outbox = new Outbox(outboxFile(config), outboxOptions(config, clock));
      const t = new Telemetry({ config, clock, random, log, outbox, sink, connect: offlineConnect });
      return {
        start: () => t.start(),
        publishSnapshot: (s) => t.publishSnapshot(s),
        publishHealth: (h) => t.publishHealth(h),
        publishEvent: (id, ev) => t.publishEvent(id, ev),
        drainCommands: (n) => t.drainCommands(n),
        health: () => [t.brokerHealth()],
        stop: () => t.stop(),
      };
    };
  }
  let ticks = 0;
  const controller = new Controller({ config, hardware: world.hardware(), log, random, telemetry: factory, onTick: (o) => { ticks++; onTick?.(o); } });
  await drive(clock, controller.start());
  return {
    ticks: () => ticks,
    outboxRows: () => outbox?.pending() ?? 0,
    async run(ms) {
      const end = clock.monotonic() + ms;
      for (let t = Math.min(end, clock.monotonic() + 60_000); ; t = Math.min(end, t + 60_000)) {
        await clock.runUntilMonotonic(t);
        if (t >= end) break;
      }
    },
    async stop() {
      await drive(clock, controller.stop());
      outbox?.close();
    },
  };
}

/**
 * The real Controller on the simulated terrarium in REAL time (SystemClock): what `terrarium run
 * --simulate` runs, with an `onTick` hook for the lateness figure.
 */
export async function startRealTimeRig(config, onTick, onTickTiming) {
  const [{ Controller }, { silentLogger }, { SeededRandom }, { SimWorld }, { SystemClock }] = await Promise.all([
    dist('src/app/controller.js'),
    dist('src/app/logger.js'),
    dist('src/resilience/random.js'),
    dist('simulators/sim-world.js'),
    dist('src/hal/system-clock.js'),
  ]);
  const clock = new SystemClock();
  const world = new SimWorld(config, clock);
  const controller = new Controller({ config, hardware: world.hardware(), log: silentLogger(), random: new SeededRandom(config.hardware.sim.seed), onTick, onTickTiming });
  await controller.start();
  return { clock, world, controller, stop: () => controller.stop() };
}

/** The shipped drivers and simulator pieces the sensor-floor reference uses. */
export async function floorModules() {
  const [{ Bme280 }, { Ds18b20 }, { DEFAULT_SIM_START }, { SimWorld }, { VirtualClock }] = await Promise.all([
    dist('src/drivers/bme280.js'),
    dist('src/drivers/ds18b20.js'),
    dist('simulators/run-simulation.js'),
    dist('simulators/sim-world.js'),
    dist('simulators/virtual-clock.js'),
  ]);
  return { Bme280, Ds18b20, DEFAULT_SIM_START, SimWorld, VirtualClock };
}

/** `runSimulation` from dist (what `terrarium simulate` runs). */
export async function runSimulationFn() {
  return (await dist('simulators/run-simulation.js')).runSimulation;
}
