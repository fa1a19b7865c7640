import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { isClockPlausible } from '../control/clock-plausibility.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { ControlEvent } from '../control/types.js';
import { describeError } from '../errors.js';
import type { Hardware } from '../hal/index.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import { SeededRandom, type Random } from '../resilience/random.js';
import { StateDocument } from '../store/state-document.js';
import { StateStoreError } from '../store/errors.js';
import { Supervisor, type Recoverable, type RecoveryEvent } from '../supervisor/supervisor.js';
import { OneWireBulkSampler } from '../devices/sampling.js';
import { recordCleanStop, recordStart, recordWatchdog } from '../supervisor/process-record.js';
import type { Fault } from '../control/types.js';
import { buildEnclosureDevices, Pca9685Pool } from './build-devices.js';
import { initialFeedingState } from '../control/feeding.js';
import { initialEnclosurePersisted, initialPersistedState, parsePersistedState, type PersistedState } from './enclosure-state.js';
import { EnclosureRuntime, type CommandResult, type TickOutcome } from './enclosure-runtime.js';
import { TickLoop, type TickTiming } from './tick-loop.js';
import { finalSnapshot } from './telemetry.js';
import { type CommandHandler, type CommandResultDoc, createCommandIntake } from '../telemetry/command-handler.js';
import type { TelemetryStatus } from '../telemetry/options.js';
import { CLOCK_PLAUSIBLE_AFTER } from './clock-floor.js';
import { roomInput } from '../model/room-input.js';


/** Recovery history entries kept in the state document (bounded, oldest dropped). */
const RECOVERY_HISTORY = 200;

/** What telemetry looks like from the controller (implemented by `telemetry/Telemetry`). */
export interface TelemetryPort {
  start(): Promise<void>;
  publishSnapshot(s: EnclosureSnapshot): void;
  publishHealth(h: ComponentHealth[]): void;
  publishEvent(enclosureId: string | null, event: ControlEvent | { type: string; [k: string]: unknown }): void;
  drainCommands(max: number): number;
  /** Publishes one command result of the shared intake on the broker. */
  publishResult?(enclosureId: string, result: CommandResultDoc, qos: 0 | 1): void;
  /** Health of the broker link. */
  health?(): ComponentHealth[];
  /** Broker, outbox and command figures for `terrarium status`. */
  status?(): TelemetryStatus;
  stop(): Promise<void>;
}

/**
 * Something beside control that follows the controller (history, alerts, the dashboard): called
 * on the event loop after a tick was decided and reported, never inside the decisions. A handler
 * must be cheap (queue its work, write later) and must not throw; one that throws is logged and
 * control goes on.
 */
export interface ControllerObserver {
  /** After every reported tick, with that tick's outcomes (snapshot and events per enclosure). */
  onTick?(outcomes: readonly TickOutcome[]): void;
  /** Every recovery step and outcome of the supervisor. */
  onRecovery?(ev: RecoveryEvent): void;
}

export interface ControllerOptions {
  config: Config;
  hardware: Hardware;
  log: Logger;
  random?: Random;
  /** Built with the controller's command sink; absent: no MQTT. */
  telemetry?: (sink: CommandSinkImpl, intake: CommandHandler) => TelemetryPort;
  /** Called after every completed tick (simulation recorder, benchmarks). */
  onTick?: (outcomes: TickOutcome[]) => void;
  /** How the state document is written (default: durably to `stateDir`; the simulator injects disk faults). */
  stateWrite?: (file: string, text: string) => void;
  /** Called with the timing of every tick the tick loop runs (simulation report: tick lateness). */
  onTickTiming?: (t: TickTiming) => void;
  /** Called for every recovery step/outcome (simulation report). */
  onRecovery?: (ev: RecoveryEvent) => void;
  /** Controller-wide health beside the enclosures' (host metrics), published with the rest. */
  extraHealth?: () => ComponentHealth[];
  /** Followers beside control (history, alerts); see {@link ControllerObserver}. */
  observers?: readonly ControllerObserver[];
  /** false: the caller drives ticks with {@link Controller.tickOnce} (benchmarks); default true. */
  tickLoop?: boolean;
}

/** Operator commands, routed to an enclosure; results say why a command was refused. */
export class CommandSinkImpl {
  constructor(private readonly c: Controller) {}
  private with(enclosureId: string, fn: (r: EnclosureRuntime) => CommandResult): CommandResult {
    const r = this.c.runtime(enclosureId);
    return r ? fn(r) : { ok: false, reason: `unknown enclosure "${enclosureId}"` };
  }
  setMode(enclosureId: string, mode: 'auto' | 'manual'): CommandResult {
    return this.with(enclosureId, (r) => r.setMode(mode));
  }
  setSetpointOverride(enclosureId: string, valueC: number, durationMinutes: number): CommandResult {
    return this.with(enclosureId, (r) => r.setSetpointOverride(valueC, durationMinutes));
  }
  clearSetpointOverride(enclosureId: string): CommandResult {
    return this.with(enclosureId, (r) => r.clearSetpointOverride());
  }
  setOutput(enclosureId: string, actuatorId: string, on: boolean): CommandResult {
    return this.with(enclosureId, (r) => r.setOutput(actuatorId, on));
  }
  feedNow(enclosureId: string): CommandResult {
    return this.with(enclosureId, (r) => r.feedNow());
  }
  acknowledge(enclosureId: string): CommandResult {
    return this.with(enclosureId, (r) => {
      this.c.supervisor.acknowledge(enclosureId);
      return r.acknowledge();
    });
  }
}

/**
 * The composition root's running object: every enclosure's runtime, the supervisor, telemetry
 * and the tick loop, built from a validated config and an explicit hardware backend.
 * Lifecycle: `start()` then `stop()`; stop releases every timer and drives outputs safe.
 */
export class Controller {
  readonly state: StateDocument<PersistedState>;
  readonly supervisor: Supervisor;
  readonly commands = new CommandSinkImpl(this);
  /**
   * The one command path for every front end (MQTT, the dashboard): validated, bounded, drained
   * once per tick, results published on the broker when there is one and handed to the submitter.
   */
  readonly intake: CommandHandler;
  private readonly runtimes = new Map<string, EnclosureRuntime>();
  private readonly loop: TickLoop;
  private telemetry: TelemetryPort | undefined;
  private clockWasPlausible: boolean | undefined;
  private readonly random: Random;
  /** The DS18B20 probes of every enclosure sampled with one bulk conversion (when the backend can). */
  private bulk: OneWireBulkSampler | undefined;
  private recoverableList: Array<{ enclosureId: string | null; component: Recoverable }> | undefined;
  /** Reports of ticks whose writes are still running, in tick order (null: none pending). */
  private reporting: Promise<void> | null = null;
  /** Process faults found at start (unclean stop, crash loop, watchdog kill), handed once to each enclosure to latch. */
  private readonly processFaults = new Map<string, Fault[]>();

  constructor(private readonly o: ControllerOptions) {
    const cfg = o.config;
    this.random = o.random ?? new SeededRandom(cfg.hardware.sim.seed);
    this.state = new StateDocument(join(cfg.controller.stateDir, 'state.json'), parsePersistedState, initialPersistedState, o.stateWrite);
    this.supervisor = new Supervisor({ clock: o.hardware.clock, log: o.log, components: () => this.recoverables(), onRecovery: (ev) => this.recordRecovery(ev) });
    this.intake = createCommandIntake(cfg, { sink: this.commands, clock: o.hardware.clock, log: o.log, respond: (enc, r, qos) => this.telemetry?.publishResult?.(enc, r, qos) });
    this.loop = new TickLoop(o.hardware.clock, cfg.controller.tickMs, () => void this.decideAndReport(), o.log, o.onTickTiming);
  }

  runtime(enclosureId: string): EnclosureRuntime | undefined {
    return this.runtimes.get(enclosureId);
  }

  /** Ticks completed and the monotonic time of the last one (watchdog, status). */
  progress(): { ticks: number; lastTickMono: number | undefined } {
    return { ticks: this.loop.count, lastTickMono: this.loop.lastCompletedAt };
  }

  private loadState(): void {
    const { log } = this.o;
    try {
      this.state.load();
    } catch (e) {
      if (!(e instanceof StateStoreError)) throw e;
      // Keep the evidence, start conservatively: no feed today (lastFedAt = now) rather than a double feed.
      const aside = `${this.state.file}.corrupt-${this.o.hardware.clock.now()}`;
      try {
        renameSync(this.state.file, aside);
      } catch {
        /* nothing to move */
      }
      log.error({ err: describeError(e), movedTo: aside }, 'state file unreadable: starting fresh with feeding paused');
      const fresh = initialPersistedState();
      const now = this.o.hardware.clock.now();
      for (const enc of this.o.config.enclosures) {
        const p = initialEnclosurePersisted();
        for (const a of enc.actuators) if (a.kind === 'feeder') p.feeding[a.id] = { ...initialFeedingState(), lastFedAt: now, lastScheduledSlot: now };
        fresh.enclosures[enc.id] = p;
      }
      this.state.set(fresh);
    }
  }

  /** Loads state, builds and starts every component, then starts telemetry, the supervisor and the tick loop. */
  async start(): Promise<void> {
    const { config, hardware, log } = this.o;
    mkdirSync(config.controller.stateDir, { recursive: true });
    this.loadState();
    this.recordProcessStart();
    const pool = new Pca9685Pool(hardware);
    for (const enc of config.enclosures) {
      const devices = buildEnclosureDevices(enc, hardware, pool, this.random, log);
      const rt = new EnclosureRuntime({
        enc,
        devices,
        clock: hardware.clock,
        log,
        timezone: config.controller.timezone,
        state: this.state,
        supervisorFaults: () => [...this.supervisor.faults(enc.id), ...this.takeProcessFaults(enc.id)],
        onEvent: (ev) => this.telemetry?.publishEvent(enc.id, ev),
        startupStaggerMs: config.controller.startupStaggerMs,
        roomC: roomInput(config),
      });
      this.runtimes.set(enc.id, rt);
    }
    // Components latched for a person before a restart stay latched (no automatic restarts) until acknowledged.
    for (const [encId, p] of Object.entries(this.state.get().enclosures)) {
      if (!this.runtimes.has(encId)) continue;
      for (const f of p.guard.latched) if (f.kind === 'component-failed') this.supervisor.restoreManual(encId, f.component, f.at, f.message);
    }
    for (const rt of this.runtimes.values()) await rt.start();
    await this.startSampling();
    if (this.o.telemetry) {
      this.telemetry = this.o.telemetry(this.commands, this.intake);
      await this.telemetry.start();
    }
    this.supervisor.start();
    if (this.o.tickLoop !== false) this.loop.start();
    log.info({ enclosures: [...this.runtimes.keys()], backend: hardware.kind, tickMs: config.controller.tickMs }, 'controller started');
  }

  /**
   * Records this start; a previous process that did not stop cleanly (or a crash loop, or a
   * watchdog kill) becomes a latched fault in every enclosure (supervisor/process-record.ts).
   */
  private recordProcessStart(): void {
    const now = this.o.hardware.clock.now();
    const s = this.state.get();
    const lastSeen = Object.values(s.enclosures).reduce<number | null>((acc, e) => Math.max(acc ?? Number.NEGATIVE_INFINITY, e.guard.clock?.lastWall ?? Number.NEGATIVE_INFINITY), null);
    const { record, faults } = recordStart(s.process, now, lastSeen !== null && Number.isFinite(lastSeen) ? lastSeen : null);
    this.persistProcess(() => record);
    for (const f of faults) this.o.log.error({ fault: f.kind }, f.message);
    if (faults.length) for (const enc of this.o.config.enclosures) this.processFaults.set(enc.id, faults);
  }

  private takeProcessFaults(enclosureId: string): Fault[] {
    const f = this.processFaults.get(enclosureId) ?? [];
    this.processFaults.delete(enclosureId);
    return f;
  }

  private persistProcess(update: (p: PersistedState['process']) => NonNullable<PersistedState['process']>): void {
    try {
      this.state.update((s) => ({ ...s, process: update(s.process) }));
    } catch (e) {
      this.o.log.error({ err: describeError(e) }, 'could not persist the process record');
    }
  }

  /** The systemd watchdog began (`true`) or stopped (`false`) withholding its pings: recorded, so a kill that follows is named. */
  noteWatchdog(withheld: boolean): void {
    this.persistProcess((p) => recordWatchdog(p, withheld, this.o.hardware.clock.now()));
  }

  /**
   * Starts the background sampling of every enclosure; probes that can share a 1-Wire bulk
   * conversion (two or more on a backend with `bulkConvert`) are sampled together. Resolves when
   * the first samples are in.
   */
  private async startSampling(): Promise<void> {
    const { hardware, log } = this.o;
    const probes = [...this.runtimes.values()].reduce((n, rt) => n + rt.devices.sensors.filter((s) => s.bulkCapable).length, 0);
    this.bulk = probes >= 2 && OneWireBulkSampler.supported(hardware.oneWire) ? new OneWireBulkSampler(hardware.oneWire, hardware.clock, log) : undefined;
    const first = [...this.runtimes.values()].map((rt) => rt.startSampling(this.bulk));
    if (this.bulk) first.push(this.bulk.start());
    await Promise.all(first);
  }

  /**
   * One control tick over every enclosure, then telemetry. The decisions of every enclosure are
   * made synchronously, before this returns; the promise settles when the tick is reported (after
   * the output writes it queued are done, so snapshots show the outputs as written). Never throws
   * for hardware trouble.
   */
  tickOnce(): Promise<TickOutcome[]> {
    const out = this.decideAndReport();
    return out instanceof Promise ? out : Promise.resolve(out);
  }

  /**
   * Decides every enclosure now; reports at once when no output write was queued (the usual tick),
   * else once the writes are done, in tick order behind any report still waiting.
   */
  private decideAndReport(): TickOutcome[] | Promise<TickOutcome[]> {
    const now = this.o.hardware.clock.now();
    const plausible = isClockPlausible(now, CLOCK_PLAUSIBLE_AFTER);
    if (plausible !== this.clockWasPlausible) {
      if (!plausible) this.o.log.warn({ now: new Date(now).toISOString() }, 'system clock not plausible yet: no feeding, lights at their safe default');
      else if (this.clockWasPlausible === false) this.o.log.info('system clock is plausible now');
      this.clockWasPlausible = plausible;
    }
    const results: Array<TickOutcome | Promise<TickOutcome | undefined>> = [];
    let waiting = this.reporting !== null;
    for (const rt of this.runtimes.values()) {
      try {
        const r = rt.tick(plausible);
        if (r instanceof Promise) {
          waiting = true;
          results.push(r.catch((e: unknown) => this.tickFailed(rt.id, e)));
        } else results.push(r);
      } catch (e) {
        this.tickFailed(rt.id, e);
      }
    }
    if (!waiting) return this.report(results as TickOutcome[]);
    const reported = (this.reporting ?? Promise.resolve()).then(() => Promise.all(results)).then((all) => this.report(all.filter((x): x is TickOutcome => x !== undefined)));
    const chain = reported.then(
      () => undefined,
      (e: unknown) => this.o.log.error({ err: describeError(e) }, 'reporting a control tick failed'),
    );
    this.reporting = chain;
    void chain.then(() => {
      if (this.reporting === chain) this.reporting = null;
    });
    return reported;
  }

  private tickFailed(enclosureId: string, e: unknown): undefined {
    this.o.log.error({ enclosure: enclosureId, err: describeError(e) }, 'enclosure tick failed');
    return undefined;
  }

  /** Hands a tick's outcomes to telemetry and the `onTick` hook. */
  private report(outcomes: TickOutcome[]): TickOutcome[] {
    const t = this.telemetry;
    this.intake.drain(10);
    if (t) {
      for (const oc of outcomes) {
        t.publishSnapshot(oc.snapshot);
        for (const ev of oc.events) t.publishEvent(oc.snapshot.enclosureId, ev);
      }
      t.publishHealth(this.health());
      t.drainCommands(10);
    }
    this.o.onTick?.(outcomes);
    for (const ob of this.o.observers ?? []) this.observe(() => ob.onTick?.(outcomes));
    return outcomes;
  }

  /** Health of every component of every enclosure, plus controller-wide health (host). */
  health(): ComponentHealth[] {
    return [...[...this.runtimes.values()].flatMap((r) => r.health()), this.clockHealth(), ...(this.telemetry?.health?.() ?? []), ...(this.o.extraHealth?.() ?? [])];
  }

  /** The wall clock as a health item: `degraded` while it is not plausible (said in health too). */
  private clockHealth(): ComponentHealth {
    const ok = this.clockWasPlausible !== false;
    return {
      id: 'clock',
      enclosureId: null,
      kind: 'host',
      status: this.clockWasPlausible === undefined ? 'unknown' : ok ? 'healthy' : 'degraded',
      ...(ok ? {} : { reason: 'system clock not plausible yet (no RTC/NTP): no feeding, lights at their safe default' }),
      lastSuccessAt: null,
      lastErrorAt: null,
      counters: { reads: 0, failures: 0, retries: 0, recoveries: 0 },
    };
  }

  /** Every recoverable component, listed once the enclosures are built (the supervisor asks every second). */
  private recoverables(): Array<{ enclosureId: string | null; component: Recoverable }> {
    if (this.recoverableList) return this.recoverableList;
    const out: Array<{ enclosureId: string | null; component: Recoverable }> = [];
    for (const rt of this.runtimes.values()) {
      const d = rt.devices;
      for (const s of d.sensors) out.push({ enclosureId: rt.id, component: s });
      for (const a of d.actuators.values()) out.push({ enclosureId: rt.id, component: a });
      for (const f of d.feeders.values()) out.push({ enclosureId: rt.id, component: f });
    }
    if (this.runtimes.size > 0) this.recoverableList = out;
    return out;
  }

  /** Runs one observer call; a throwing observer is logged, never allowed to reach control. */
  private observe(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.o.log.error({ err: describeError(e) }, 'controller observer failed');
    }
  }

  private recordRecovery(ev: RecoveryEvent): void {
    this.o.onRecovery?.(ev);
    for (const ob of this.o.observers ?? []) this.observe(() => ob.onRecovery?.(ev));
    this.telemetry?.publishEvent(ev.enclosureId, { type: 'recovery', ...ev });
    if (ev.outcome === 'pending' && ev.strategy !== 'retry' && ev.strategy !== 'fallback') return;
    try {
      this.state.update((s) => ({ ...s, recoveries: [...s.recoveries, ev].slice(-RECOVERY_HISTORY) }));
    } catch (e) {
      this.o.log.error({ err: describeError(e) }, 'could not persist the recovery history');
    }
  }

  /** Drives every output of every enclosure to its safe state (signals, `safe-outputs`). */
  async safeOutputs(): Promise<void> {
    for (const rt of this.runtimes.values()) await rt.safeOutputs();
  }

  /**
   * Simulated process death (crash-restart scenarios): timers stop, nothing is driven safe,
   * nothing more is written. The caller tears the hardware handles down.
   */
  async abandon(): Promise<void> {
    await this.loop.stop();
    await this.stopSampling();
    await this.supervisor.stop();
  }

  /** Stops every background sampling (bulk and per enclosure) and waits for reports still pending. */
  private async stopSampling(): Promise<void> {
    await this.reporting;
    await this.bulk?.stop();
    for (const rt of this.runtimes.values()) await rt.stopSampling();
  }

  /** Broker, outbox and command figures (`undefined` without telemetry). */
  telemetryStatus(): TelemetryStatus | undefined {
    return this.telemetry?.status?.();
  }

  /**
   * Stops: tick loop, supervisor, enclosures (outputs safe), then telemetry: the final state
   * (heater off) is published before `offline`, so the retained state tells the truth.
   */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.stopSampling();
    await this.supervisor.stop();
    for (const rt of this.runtimes.values()) await rt.stop();
    this.intake.finish('controller stopping');
    try {
      for (const rt of this.runtimes.values()) {
        const s = finalSnapshot(rt, this.o.hardware.clock.now());
        if (s) this.telemetry?.publishSnapshot(s);
      }
      await this.telemetry?.stop();
    } catch (e) {
      this.o.log.warn({ err: describeError(e) }, 'telemetry stop failed');
    }
    this.persistProcess(recordCleanStop);
    this.o.log.info('controller stopped; outputs in their safe state');
  }
}
