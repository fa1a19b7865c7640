import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Controller } from '../../src/app/controller.js';
import type { TickOutcome } from '../../src/app/enclosure-runtime.js';
import { type Config, loadConfig, parseConfig } from '../../src/config/load.js';
import { isFallbackReason } from '../../src/control/guard.js';
import type { EnclosureMode } from '../../src/control/types.js';
import type { HealthStatus } from '../../src/resilience/health-types.js';
import type { RecoveryEvent } from '../../src/supervisor/supervisor.js';
import { runSimulation, type SimulationResult } from '../../simulators/run-simulation.js';
import { loadScenario, type Scenario } from '../../simulators/scenario.js';
import type { SimWorld } from '../../simulators/sim-world.js';

/**
 * Shared harness of the scenario acceptance tests: runs a shipped scenario
 * through `runSimulation` (the real Controller on the simulated terrarium, virtual time) and keeps,
 * tick by tick, what the checks need without storing every snapshot: mode, health transitions,
 * heater commands against the GPIO level and the heater element, mister activity.
 */

/** The reference enclosure every shipped scenario is written for. */
export const REFERENCE_CONFIG = 'config/simulated.json';
/** The reference enclosure's id and its heater's GPIO line (BCM 17, active-low). */
export const ENCLOSURE = 'gecko';
export const HEATER_LINE = 17;
/** Recovery target: every transient fault healthy again within 30 s of clearing. */
export const RECOVERY_TARGET_MS = 30_000;

/** Path of a shipped scenario file. */
export function scenarioFile(name: string): string {
  return join('simulators', 'scenarios', `${name}.json`);
}

/** `config/simulated.json` with `edit` applied to its raw JSON (extra actuators, overrides). */
export function referenceConfig(edit?: (raw: any) => void): Config {
  if (!edit) return loadConfig(REFERENCE_CONFIG);
  const raw = JSON.parse(readFileSync(REFERENCE_CONFIG, 'utf8'));
  edit(raw);
  return parseConfig(raw, REFERENCE_CONFIG);
}

/** A heater tick that was not under control: element powered without a trustworthy reason. */
export interface UncontrolledHeat {
  at: number;
  mode: EnclosureMode;
  /** What the controller believes and why. */
  commandedOn: boolean;
  reason: string;
  /** The relay input as driven on the GPIO line. */
  relayOn: boolean;
}

/** What one run leaves for the assertions. Times are wall ms. */
export interface ScenarioRun {
  scenario: Scenario;
  result: SimulationResult;
  /** Every controller the run built (more than one after crash-restarts). */
  controllers: Controller[];
  /** Status changes per component id, in order (first entry: the status at the first tick). */
  health: Map<string, Array<{ at: number; status: HealthStatus }>>;
  /** Ticks where the heater relay was on without a thermostat or fallback reason (first 50). */
  uncontrolledHeat: UncontrolledHeat[];
  /** Ticks the heater relay was on, and the heater element was powered (relay, fault, cutoff). */
  heaterRelayOnTicks: number;
  heaterElementOnTicks: number;
  /** Heater snapshot reasons seen while the enclosure was `safe`. */
  safeHeaterReasons: Set<string>;
  /** Wall ms of ticks with the mister on. */
  misterOnAt: number[];
  /** Wall ms and %RH of ticks whose humidity reading was below the profile's minimum. */
  dryAt: Array<{ at: number; pct: number }>;
  /** Wall ms of the last tick. */
  endAt: number;
}

export interface RunOptions {
  /** Simulated days (default: the scenario's own `days`). Shorter runs keep the suite fast. */
  days?: number;
  config?: Config;
  /** Replaces the shipped file (inline scenarios built by a test). */
  scenario?: Scenario;
  seed?: number;
  /** State directory (default: a fresh private one). */
  stateDir?: string;
  /** Extra per-tick hook (after the harness has recorded the tick). */
  onTick?: (outcomes: TickOutcome[], world: SimWorld, controller: Controller) => void;
}

/**
 * True when the heater is on because a working control path said so: the write went through (the
 * reason is not a failed write or a read-back mismatch) and the command came from a trustworthy
 * reading of one of its sensors, or from the fallback duty.
 */
function controlledHeat(outcome: TickOutcome, heaterSensors: readonly string[]): boolean {
  const s = outcome.snapshot;
  const h = s.actuators.heater;
  if (!h.on || /\bfailed\b|read back/.test(h.reason)) return false;
  if (isFallbackReason(h.reason)) return true;
  const t = s.temperature;
  return t !== null && t.quality === 'ok' && heaterSensors.includes(t.sensorId);
}

/**
 * Runs scenario `name` (a file in `simulators/scenarios/`, or `o.scenario` when given) on the
 * reference enclosure, or on `o.config`.
 */
export async function runScenario(name: string, o: RunOptions = {}): Promise<ScenarioRun> {
  const scenario = o.scenario ?? loadScenario(scenarioFile(name));
  const config = o.config ?? referenceConfig();
  const enc = config.enclosures.find((e) => e.id === ENCLOSURE);
  const heaterCfg = enc?.actuators.find((a) => a.id === 'heater');
  if (!enc || !heaterCfg || heaterCfg.kind !== 'heater' || heaterCfg.output.type !== 'gpio') throw new Error('the scenario harness expects the reference enclosure "gecko" with a GPIO heater');
  const heaterSensors = heaterCfg.sensors;
  const activeLow = heaterCfg.output.activeLow;
  const minPct = enc.climate.humidity.minPct;
  const controllers: Controller[] = [];
  const health = new Map<string, Array<{ at: number; status: HealthStatus }>>();
  const run: Omit<ScenarioRun, 'result'> = {
    scenario,
    controllers,
    health,
    uncontrolledHeat: [],
    heaterRelayOnTicks: 0,
    heaterElementOnTicks: 0,
    safeHeaterReasons: new Set(),
    misterOnAt: [],
    dryAt: [],
    endAt: 0,
  };
  const result = await runSimulation({
    config,
    days: o.days ?? scenario.days,
    seed: o.seed,
    stateDir: o.stateDir,
    scenario,
    onController: (c) => controllers.push(c),
    onTick: (outcomes, world) => {
      const oc = outcomes.find((x) => x.snapshot.enclosureId === ENCLOSURE);
      if (!oc) return;
      const s = oc.snapshot;
      run.endAt = s.at;
      for (const h of s.health) {
        const list = health.get(h.id) ?? [];
        if (list.length === 0 || list[list.length - 1].status !== h.status) list.push({ at: s.at, status: h.status });
        health.set(h.id, list);
      }
      const level = world.gpio.level(HEATER_LINE);
      const relayOn = level !== undefined && level !== activeLow;
      if (relayOn) run.heaterRelayOnTicks++;
      if (world.enclosures.get(ENCLOSURE)?.physics.heaterIsHeating('heater')) run.heaterElementOnTicks++;
      const heater = s.actuators.heater;
      // The relay may only be on when the controller commands it for a trustworthy reason.
      if (relayOn && !controlledHeat(oc, heaterSensors) && run.uncontrolledHeat.length < 50) {
        run.uncontrolledHeat.push({ at: s.at, mode: s.mode, commandedOn: heater.on, reason: heater.reason, relayOn });
      }
      if (s.mode === 'safe') run.safeHeaterReasons.add(`${heater.on ? 'on' : 'off'}: ${heater.reason}`);
      if (s.actuators.mister?.on) run.misterOnAt.push(s.at);
      const rh = s.humidity;
      if (rh && rh.quality === 'ok' && rh.value !== null && rh.value < minPct) run.dryAt.push({ at: s.at, pct: rh.value });
      o.onTick?.(outcomes, world, controllers[controllers.length - 1]);
    },
  });
  return { ...run, result };
}

/** One recovery episode: from the supervisor's first `pending retry` to `recovered`, the `manual` latch, or the end of the run. */
export interface Episode {
  component: string;
  fault: string;
  detectedAt: number;
  endedAt: number | null;
  outcome: 'recovered' | 'manual' | 'open';
  /** Actions taken, in order (`reset`, `restart`, ...). */
  steps: string[];
}

/** Groups the supervisor's recovery events into episodes, per component. */
export function episodes(recoveries: readonly RecoveryEvent[]): Episode[] {
  const open = new Map<string, Episode>();
  const out: Episode[] = [];
  for (const ev of recoveries) {
    const key = `${ev.enclosureId ?? '*'}/${ev.component}`;
    if (ev.strategy === 'retry' && ev.outcome === 'pending') {
      const e: Episode = { component: ev.component, fault: ev.fault, detectedAt: ev.startedAt, endedAt: null, outcome: 'open', steps: [] };
      open.set(key, e);
      out.push(e);
      continue;
    }
    const e = open.get(key);
    if (!e) continue;
    if (ev.outcome === 'recovered' && ev.startedAt === e.detectedAt) {
      e.outcome = 'recovered';
      e.endedAt = ev.endedAt;
      open.delete(key);
    } else if (ev.outcome === 'escalated') {
      e.outcome = 'manual';
      e.endedAt = ev.endedAt;
      open.delete(key);
    } else if (ev.outcome !== 'pending') e.steps.push(`${ev.strategy}:${ev.outcome}`);
  }
  return out;
}

/** The aggregate recovery figures, from the supervisor's recovery history. */
export interface RecoveryFigures {
  /** Faults the supervisor handled (episodes). */
  faults: number;
  recoveredAutomatically: number;
  /** recoveredAutomatically / faults, 0..1 (1 when there was no fault). */
  share: number;
  /**
   * Mean time from detection to healthy again over the recovered episodes, ms (0 when none). It
   * includes the time the injected fault lasted, which no controller can shorten.
   */
  mttrFromDetectionMs: number;
  /**
   * Mean time from the fault clearing to the device healthy again over the cleared device faults,
   * ms (0 when none): the part of the time to recover that is the controller's own.
   */
  mttrAfterClearMs: number;
}

/** Figures over the supervisor's episodes and the scenario's cleared device faults. */
export function recoveryFigures(eps: readonly Episode[], cleared: readonly ClearedFault[]): RecoveryFigures {
  const recovered = eps.filter((e) => e.outcome === 'recovered' && e.endedAt !== null);
  const fromDetection = recovered.reduce((acc, e) => acc + ((e.endedAt as number) - e.detectedAt), 0);
  const afterClear = cleared.reduce((acc, c) => acc + Math.max(0, c.recoveryMs), 0);
  return {
    faults: eps.length,
    recoveredAutomatically: recovered.length,
    share: eps.length ? recovered.length / eps.length : 1,
    mttrFromDetectionMs: recovered.length ? fromDetection / recovered.length : 0,
    mttrAfterClearMs: cleared.length ? afterClear / cleared.length : 0,
  };
}

/** How one cleared device fault of the scenario ended. */
export interface ClearedFault {
  device: string;
  kind: string;
  from: number;
  clearedAt: number;
  /** Supervisor episodes of the device that began during the fault (or within the target after it). */
  episodes: Episode[];
  /** First tick at or after `clearedAt` with the device healthy, or null if it never was again. */
  healthyAt: number | null;
  /** healthyAt - clearedAt, ms (`Infinity` when never healthy again). */
  recoveryMs: number;
}

/** Each scenario fault on a device that was cleared during the run, with when the device was healthy again. */
export function clearedFaults(run: ScenarioRun): ClearedFault[] {
  const eps = episodes(run.result.recoveries);
  const out: ClearedFault[] = [];
  for (const w of run.result.faultWindows) {
    const device = w.event.device;
    if (!device || w.to === null) continue;
    const to = w.to;
    const changes = run.health.get(device) ?? [];
    // Healthy at `to` if the last change before it says so, else the first change to healthy after it.
    const before = changes.filter((c) => c.at <= to);
    const healthyAt = before.length && before[before.length - 1].status === 'healthy' ? to : (changes.find((c) => c.at > to && c.status === 'healthy')?.at ?? null);
    out.push({
      device,
      kind: w.event.fault.kind,
      from: w.from,
      clearedAt: to,
      episodes: eps.filter((e) => e.component === device && e.detectedAt >= w.from && e.detectedAt <= to + RECOVERY_TARGET_MS),
      healthyAt,
      recoveryMs: healthyAt === null ? Number.POSITIVE_INFINITY : healthyAt - to,
    });
  }
  return out;
}

/** Modes in the order they were entered. */
export function modeSequence(run: ScenarioRun): EnclosureMode[] {
  return run.result.modes.filter((m) => m.enclosureId === ENCLOSURE).map((m) => m.mode);
}

/** True when `wanted` appears in `seen` in order (not necessarily adjacent). */
export function isSubsequence<T>(wanted: readonly T[], seen: readonly T[]): boolean {
  let i = 0;
  for (const s of seen) if (i < wanted.length && s === wanted[i]) i++;
  return i === wanted.length;
}

/** Kinds of the faults raised during the run (guard and supervisor). */
export function faultKinds(run: ScenarioRun): Set<string> {
  const kinds = new Set<string>();
  for (const { event } of run.result.events) if (event.type === 'fault') kinds.add(event.fault.kind);
  return kinds;
}

/**
 * The scenario file's own `expect` block, checked against the run; returns the unmet ones (an
 * empty list when all hold), so a test can show every miss at once.
 */
export function unmetExpectations(run: ScenarioRun): string[] {
  const x = run.scenario.expect;
  const misses: string[] = [];
  const modes = modeSequence(run);
  if (!isSubsequence(x.modes, modes)) misses.push(`modes ${x.modes.join(' -> ')} not seen in ${modes.join(' -> ')}`);
  if (x.finalMode !== undefined && modes[modes.length - 1] !== x.finalMode) misses.push(`final mode ${modes[modes.length - 1]}, expected ${x.finalMode}`);
  const kinds = faultKinds(run);
  for (const k of x.faults) if (!kinds.has(k)) misses.push(`fault ${k} never raised (raised: ${[...kinds].join(', ') || 'none'})`);
  const feeds = run.result.report.enclosures[0].feeds.length;
  if (x.maxFeeds !== undefined && feeds > x.maxFeeds) misses.push(`${feeds} feeds, at most ${x.maxFeeds} expected`);
  if (x.recoveredWithinSeconds !== undefined) {
    for (const c of clearedFaults(run)) {
      if (c.recoveryMs > x.recoveredWithinSeconds * 1000) misses.push(`${c.device} ${c.kind} cleared at ${iso(c.clearedAt)}: healthy again after ${c.recoveryMs / 1000} s`);
      for (const e of c.episodes) if (e.outcome !== 'recovered') misses.push(`${c.device} ${c.kind}: recovery episode from ${iso(e.detectedAt)} ended ${e.outcome}`);
    }
  }
  return misses;
}

/** ISO time for messages. */
export function iso(t: number): string {
  return new Date(t).toISOString();
}
