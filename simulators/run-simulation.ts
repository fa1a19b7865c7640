import type { Logger } from 'pino';
import { Controller } from '../src/app/controller.js';
import { silentLogger } from '../src/app/logger.js';
import type { Config } from '../src/config/load.js';
import type { TickOutcome } from '../src/app/enclosure-runtime.js';
import type { ControlEvent, EnclosureMode } from '../src/control/types.js';
import type { RecoveryEvent } from '../src/supervisor/supervisor.js';
import { SimRecorder } from './report/index.js';
import { eventBus, touchedComponents } from './report/touches.js';
import type { NodeLimit, SimReport } from './report/types.js';
import { type Scenario, type ScenarioEvent, durationMs } from './scenario.js';
import { applyFault } from './fault-injector.js';
import { createSimStateDir } from './sim-state-dir.js';
import { SimWorld } from './sim-world.js';
import { VirtualClock } from './virtual-clock.js';
import type { Clock, TimerHandle } from '../src/hal/clock.js';
import { ProcessHost, SHIPPED_SYSTEMD, type SystemdModel } from './process-host.js';

/** Default simulated start: a fixed instant, so a run is reproducible from its seed alone. */
export const DEFAULT_SIM_START = '2026-06-01T00:00:00Z';

export interface SimulationOptions {
  config: Config;
  days: number;
  seed?: number;
  scenario?: Scenario;
  /** Durable state directory (default: a fresh temp dir, so runs do not share state). */
  stateDir?: string;
  log?: Logger;
  /** Called about every simulated hour with the fraction done (progress bar). */
  onProgress?: (fraction: number) => void;
  /** Wall-clock seconds source for the report (the caller's; simulators keep no real clock). */
  wallSeconds?: () => number;
  /** Called after every completed tick with its outcomes (scenario tests inspect outputs and the world). */
  onTick?: (outcomes: TickOutcome[], world: SimWorld) => void;
  /**
   * Called with each controller once it has started: the first one and every one rebuilt after a
   * crash-restart (scenario tests send operator commands, e.g. `commands.acknowledge`).
   */
  onController?: (controller: Controller) => void;
  /** How systemd supervises the process (process-hang watchdog kills); default: the shipped unit. */
  systemd?: SystemdModel;
  /** Tick-lateness verdict: largest p99 lateness that holds the period, ms (default 50). */
  p99LatenessMaxMs?: number;
}

/** A mode change seen during the run (scenario expectations). */
export interface ModeChange {
  enclosureId: string;
  at: number;
  mode: EnclosureMode;
}

export interface SimulationResult {
  report: SimReport;
  modes: ModeChange[];
  recoveries: RecoveryEvent[];
  events: Array<{ enclosureId: string; event: ControlEvent }>;
  /** Scenario fault windows as applied (wall ms), for recovery-time checks. */
  faultWindows: Array<{ event: ScenarioEvent; from: number; to: number | null }>;
  world: SimWorld;
  ticks: number;
}

/**
 * Awaits `p` while advancing virtual time in small steps, for work that waits on the clock
 * (driver conversion times, servo moves) outside the run loop: start and stop.
 */
export async function drive<T>(clock: VirtualClock, p: Promise<T>): Promise<T> {
  let done = false;
  const settled = p.finally(() => {
    done = true;
  });
  for (let i = 0; !done && i < 100_000; i++) await clock.advance(10);
  return settled;
}

/**
 * Each heater's `limit.maxC` on the true temperature of the spot it warms (where its limit probe
 * lies: the physics' `heaterSurfaceC`), for the report's safety violations.
 */
function heaterLimits(config: Config): Record<string, NodeLimit[]> {
  const out: Record<string, NodeLimit[]> = {};
  for (const enc of config.enclosures) {
    out[enc.id] = enc.actuators.flatMap((a) => (a.kind === 'heater' && a.limit ? [{ node: `heaterSurface.${a.id}`, limitName: `actuators.${a.id}.limit.maxC`, maxC: a.limit.maxC }] : []));
  }
  return out;
}

/** Chunk of virtual time advanced per step of the run loop, ms. */
const STEP_MS = 60_000;

/**
 * Runs the real controller against the simulated terrarium in virtual time (`terrarium simulate`,
 * the scenario tests, the benchmarks): the same Controller, drivers and components as on a Pi,
 * on simulated I2C/GPIO/1-Wire, with the physics running on while faults are injected from the
 * scenario, including crash-restarts on the same state directory.
 */
export async function runSimulation(o: SimulationOptions): Promise<SimulationResult> {
  const seed = o.seed ?? o.config.hardware.sim.seed;
  const start = Date.parse(o.config.hardware.sim.start ?? DEFAULT_SIM_START);
  const clock = new VirtualClock(start);
  // Without a caller's directory: a private one on the RAM disk, removed at the end (sim-state-dir.ts).
  const ownDir = o.stateDir === undefined ? createSimStateDir('terrarium-sim-') : undefined;
  const stateDir = o.stateDir ?? (ownDir as { dir: string }).dir;
  const config: Config = { ...o.config, controller: { ...o.config.controller, stateDir } };
  const log = o.log ?? silentLogger();
  const recorder = new SimRecorder({ tickMs: config.controller.tickMs, timezone: config.controller.timezone, p99LatenessMaxMs: o.p99LatenessMaxMs, nodeLimits: heaterLimits(config) });
  const modes: ModeChange[] = [];
  const lastMode = new Map<string, EnclosureMode>();
  const recoveries: RecoveryEvent[] = [];
  const openLadders = new Map<string, number>();
  const events: SimulationResult['events'] = [];
  let ticks = 0;

  const build = (processClock: Clock, stateWrite: (file: string, text: string) => void): Controller =>
    new Controller({
      config,
      hardware: { ...world.hardware(), clock: processClock },
      stateWrite,
      log,
      onTick: (outcomes) => {
        ticks++;
        // Wall minus monotonic now: turns an event's wall time into monotonic (they differ after a clock step).
        const wallOffset = clock.now() - clock.monotonic();
        for (const oc of outcomes) {
          const s = oc.snapshot;
          recorder.record(s, world.truth(s.enclosureId));
          if (lastMode.get(s.enclosureId) !== s.mode) {
            lastMode.set(s.enclosureId, s.mode);
            modes.push({ enclosureId: s.enclosureId, at: s.at, mode: s.mode });
          }
          for (const ev of oc.events) {
            events.push({ enclosureId: s.enclosureId, event: ev });
            if (ev.type === 'fault') recorder.recordEvent(s.enclosureId, { type: 'fault', kind: ev.fault.kind, component: ev.fault.component, at: ev.fault.at, message: ev.fault.message });
            if (ev.type === 'feed') recorder.recordEvent(s.enclosureId, { type: 'feed', actuatorId: ev.actuatorId, at: ev.at, reason: ev.reason, mono: ev.at - wallOffset });
          }
        }
        o.onTick?.(outcomes, world);
      },
      onTickTiming: (t) => recorder.recordTickTiming(t),
      onRecovery: (ev) => {
        recoveries.push(ev);
        // The report lists whole recoveries (detected -> healthy again): a ladder opens with a
        // pending `retry` and closes with `recovered` carrying the same start; a successful reset
        // or restart on the way is one step of it, not a recovery of its own.
        const key = `${ev.enclosureId ?? '*'}/${ev.component}`;
        if (ev.outcome === 'pending' && ev.strategy === 'retry') openLadders.set(key, ev.startedAt);
        if (ev.outcome === 'recovered' && ev.endedAt !== null && ev.enclosureId && openLadders.get(key) === ev.startedAt) {
          openLadders.delete(key);
          recorder.recordEvent(ev.enclosureId, { type: 'recovery', component: ev.component, detectedAt: ev.startedAt, recoveredAt: ev.endedAt, action: ev.strategy });
        }
      },
    });

  const encIds = config.enclosures.map((e) => e.id);
  // While no controller ticks (process down or hung), the truth is still sampled once per tick
  // period, so the true ranges and safety violations cover the downtime.
  let offline: TimerHandle | undefined;
  const sampleOffline = (): void => {
    for (const id of encIds) recorder.recordOffline(id, clock.now(), world.truth(id));
    offline = clock.setTimeout(sampleOffline, config.controller.tickMs);
  };
  const host: ProcessHost = new ProcessHost({
    clock,
    config,
    systemd: o.systemd ?? SHIPPED_SYSTEMD,
    build,
    events: {
      started: (c) => o.onController?.(c),
      down: (state) => {
        recorder.processState(encIds, clock.now(), state);
        offline?.cancel();
        sampleOffline();
      },
      up: () => {
        offline?.cancel();
        offline = undefined;
      },
    },
  });
  // The devices run on the current process's clock: their I/O is seen only while it runs.
  const world = new SimWorld(config, host.deviceClock, seed);
  host.world = world;
  const started = drive(clock, host.start());

  const faultWindows: SimulationResult['faultWindows'] = [];
  const endMono = o.days * 86_400_000;
  for (const ev of o.scenario?.events ?? []) {
    // `at` counts from the simulation start (monotonic 0), not from the end of the controller's start-up.
    const at = durationMs(ev.at);
    clock.setTimeout(() => {
      const window = { event: ev, from: clock.now(), to: null as number | null };
      faultWindows.push(window);
      const { kind, ...fields } = ev.fault;
      const injection = {
        kind,
        at: clock.now(),
        mono: clock.monotonic(),
        enclosure: ev.enclosure ?? null,
        device: ev.device ?? null,
        bus: eventBus(config, ev),
        fields: fields as Record<string, unknown>,
        durationSeconds: ev.duration === undefined ? null : durationMs(ev.duration) / 1000,
        touches: touchedComponents(config, ev),
      };
      const cleared = (index: number): void => {
        window.to = clock.now();
        recorder.recordCleared(index, window.to);
      };
      const f = ev.fault;
      if (f.kind === 'operator') {
        const result = host.command(ev.enclosure ?? config.enclosures[0].id, f);
        cleared(recorder.recordInjection({ ...injection, fields: { ...injection.fields, result } }));
        return;
      }
      const index = recorder.recordInjection(injection);
      if (f.kind === 'clock-jump') {
        clock.jumpWall(f.by * 1000);
        cleared(index);
        return;
      }
      // Process kinds act once the first process has started (an event at 0 waits for it).
      const afterStart = (act: () => Promise<unknown>): void => {
        void started.then(act).then(() => cleared(index));
      };
      if (f.kind === 'crash-restart') return afterStart(() => host.crash(durationMs(f.downtime)));
      if (f.kind === 'power-cut') return afterStart(() => host.powerCut(durationMs(f.downtime)));
      if (f.kind === 'process-hang') return afterStart(() => host.hang(durationMs(f.duration)));
      const clearAfterDuration = (clear: () => void): void => {
        if (ev.duration === undefined) return;
        clock.setTimeout(() => {
          clear();
          cleared(index);
        }, durationMs(ev.duration));
      };
      if (f.kind === 'disk-full' || f.kind === 'state-readonly') {
        host.setDiskFault(f.kind === 'disk-full' ? 'ENOSPC' : 'EROFS');
        return clearAfterDuration(() => host.setDiskFault(null));
      }
      clearAfterDuration(applyFault(world, config, ev));
    }, Math.max(0, at - clock.monotonic()));
  }
  await started;

  for (let t = STEP_MS; t <= endMono; t += STEP_MS) {
    await clock.runUntilMonotonic(t);
    if (o.onProgress && t % 3_600_000 === 0) o.onProgress(t / endMono);
  }
  await drive(clock, host.stop());
  ownDir?.remove();
  const report = recorder.report({ wallSeconds: o.wallSeconds?.() ?? 0, ticks, meta: { seed, days: o.days, scenario: o.scenario?.name ?? null, config: config.file } });
  return { report, modes, recoveries, events, faultWindows, world, ticks };
}
