import type { Logger } from 'pino';
import type { EnclosureConfig } from '../config/load.js';
import { decideFeed, FeedSchedule, recordFeed, recordSkip, shiftFeedingRecords } from '../control/feeding.js';
import { fuseMeasurements } from '../control/fusion.js';
import { faultEvents, faultKey, latchFaults } from '../control/faults.js';
import { acknowledgeFaults, guardEnclosure, resumeGuardState, type GuardState } from '../control/guard.js';
import { initialControlState, photoperiodKey, planEnclosure, type ControlState } from '../control/plan.js';
import type { ActuatorSnapshot, EnclosureSnapshot } from '../control/snapshot.js';
import type { ControlEvent, EnclosureMode, Fault, OperatorInputs, OutputCommand } from '../control/types.js';
import type { ActuatorComponent } from '../devices/actuator-component.js';
import type { ReadingsBySensor } from '../devices/reading.js';
import { EnclosureSampling, type OneWireBulkSampler } from '../devices/sampling.js';
import { WATER_LEVEL_SAMPLE_EVERY_MS } from '../devices/water-level.js';
import { EnclosureDiagnosis } from '../model/diagnosis.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import { deriveMode } from '../supervisor/mode.js';
import type { Clock } from '../hal/clock.js';
import type { StateDocument } from '../store/state-document.js';
import { StateStoreError } from '../store/errors.js';
import { describeError } from '../errors.js';
import type { EnclosureDevices } from './build-devices.js';
import { feedingOf, initialEnclosurePersisted, type EnclosurePersisted, type PersistedState } from './enclosure-state.js';
import type { CommandResult } from '../telemetry/sink.js';
import { outputOutcome } from './command-outcomes.js';

/** Result of an operator command (CLI socket or MQTT), with its later outcome when there is one. */
export type { CommandResult } from '../telemetry/sink.js';

/** What one tick produced. */
export interface TickOutcome {
  snapshot: EnclosureSnapshot;
  events: ControlEvent[];
}

/** One output as the tick drives it, derived once from the config. */
interface Output {
  id: string;
  component: ActuatorComponent;
  kind: ActuatorSnapshot['kind'];
  /** A heater's own sensors (it runs only once one of them delivered a temperature); null for other kinds. */
  heaterSensors: readonly string[] | null;
  /** Driven on at shutdown (non-heater, non-cutoff output whose startup state is on). */
  onAtShutdown: boolean;
}

export interface EnclosureRuntimeOptions {
  enc: EnclosureConfig;
  devices: EnclosureDevices;
  clock: Clock;
  log: Logger;
  timezone: string;
  state: StateDocument<PersistedState>;
  /**
   * Faults of components the supervisor latched (`manual`): added to the persisted latched faults
   * (mode, snapshot, restart), cleared by {@link EnclosureRuntime.acknowledge}.
   */
  supervisorFaults?: () => Fault[];
  /** Called when a feed cycle ends (the runtime does not wait for it inside the tick). */
  onEvent?: (ev: ControlEvent) => void;
  /** Delay between outputs at boot, ms. */
  startupStaggerMs?: number;
  /** Cadence of the float switch's sampling, ms; default `WATER_LEVEL_SAMPLE_EVERY_MS`. */
  waterLevelEveryMs?: number;
  /** Room temperature at wall ms, °C, when known (the simulated room): the enclosure model's input. */
  roomC?: (wallMs: number) => number;
}

/** True when `a` and `b` hold the same faults (kind, component, time, message) in the same order. */
function sameFaults(a: readonly Fault[], b: readonly Fault[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && (x.kind !== y.kind || x.component !== y.component || x.at !== y.at || x.message !== y.message || x.latched !== y.latched)) return false;
  }
  return true;
}

/** The fitted enclosure model is staged into the state document at most this often, ms. */
const MODEL_PERSIST_INTERVAL_MS = 30 * 60_000;

/** Guard state is written on latched-fault changes at once, else at most this often (SD wear), ms. */
const GUARD_PERSIST_INTERVAL_MS = 5 * 60_000;

/**
 * One enclosure's control: sensors sample beside the tick ({@link startSampling}); the tick
 * ({@link tick}) decides synchronously over their latest readings (fuse, plan, guard), queues the
 * output writes without waiting for them, and reports. Holds the planner's and guard's state
 * between ticks and persists what must survive a restart (latched faults, feeding records,
 * operator choices) through the state document. Operator commands only change inputs; the next
 * tick acts on them.
 */
export class EnclosureRuntime {
  readonly id: string;
  private control: ControlState;
  /** The planner's photoperiod cache key: fixed for this runtime's config, so computed once. */
  private readonly photoperiodKey: string;
  private mode: EnclosureMode = 'normal';
  private lastSnapshot: EnclosureSnapshot | undefined;
  private manualFeedAt: number | undefined;
  /** Operator requests so far (a later one supersedes an earlier one), and the last manual feed's outcome. */
  private requests = 0;
  private readonly outputRequest = new Map<string, number>();
  private feedOutcome: { request: number; result: CommandResult } | undefined;
  private feedRequest = 0;
  private readonly feeds = new Set<Promise<void>>();
  private readonly schedules = new Map<string, FeedSchedule>();
  private lastGuardPersist = Number.NEGATIVE_INFINITY;
  /** The last durable write of the state failed (disk full, read-only): logged once until one succeeds. */
  private stateUnwritable = false;
  private readonly loggedSkips = new Set<string>();
  private readonly lastApplied = new Map<string, string>();
  /** Sensors that delivered a trustworthy temperature since this process started. */
  private readonly seenTemperature = new Set<string>();
  /** Every output but feeders, in config order, with what the tick needs of its config. */
  private readonly outputs: Output[] = [];
  private sampling: EnclosureSampling | undefined;
  /** Every component with a health: sensors, outputs, feeders, the float switch (fixed per config). */
  private readonly healthSources: ReadonlyArray<{ health(): ComponentHealth }>;
  /** The profile's humidity band and safety limits as snapshots show them (fixed per config). */
  private readonly humidityRange: EnclosureSnapshot['humidityRange'];
  private readonly limits: EnclosureSnapshot['limits'];
  /** The enclosure model and the diagnosis of its sensors and heaters (src/model). */
  readonly diagnosis: EnclosureDiagnosis;
  private diagnosisFaults: Fault[] = [];
  /** The outputs' states handed to the diagnosis each tick (reused). */
  private readonly outputsNow: Record<string, { on: boolean; level?: number }> = {};
  private lastModelPersist: number | null = null;

  constructor(private readonly o: EnclosureRuntimeOptions) {
    this.id = o.enc.id;
    this.humidityRange = { minPct: o.enc.climate.humidity.minPct, maxPct: o.enc.climate.humidity.maxPct };
    this.limits = { ...o.enc.climate.safety };
    const d = o.devices;
    this.healthSources = [...d.sensors, ...d.actuators.values(), ...d.feeders.values(), ...(d.waterLevel ? [d.waterLevel] : [])];
    for (const [id, component] of o.devices.actuators) {
      const cfg = o.enc.actuators.find((x) => x.id === id);
      const kind = cfg?.kind ?? 'heater';
      this.outputs.push({
        id,
        component,
        kind,
        heaterSensors: cfg?.kind === 'heater' ? cfg.sensors : null,
        onAtShutdown: cfg !== undefined && cfg.kind !== 'heater' && cfg.kind !== 'cutoff' && cfg.startupState === 'on',
      });
    }
    this.control = initialControlState(o.enc);
    this.photoperiodKey = photoperiodKey(o.enc.climate, o.timezone);
    this.diagnosis = new EnclosureDiagnosis(o.enc, o.roomC ? { roomC: o.roomC } : {});
    const feeding = o.enc.climate.feeding;
    if (feeding) for (const id of o.devices.feeders.keys()) this.schedules.set(id, FeedSchedule.parse(feeding.schedule, o.timezone));
  }

  private persisted(): EnclosurePersisted {
    return this.o.state.get().enclosures[this.id] ?? initialEnclosurePersisted();
  }

  /** Updates this enclosure's persisted part: written durably now, or only `staged` in memory. */
  private persist(update: (p: EnclosurePersisted) => EnclosurePersisted, staged = false): void {
    const fn = (s: PersistedState): PersistedState => ({ ...s, enclosures: { ...s.enclosures, [this.id]: update(this.persisted()) } });
    if (staged) this.o.state.stage(fn);
    else this.o.state.update(fn);
  }

  /**
   * Boot: restores latched faults (the guard state) from disk, starts every component (self-tests;
   * a failure leaves the component failed for the supervisor, it does not abort the start), and
   * drives every output to its startup state, staggered for inrush.
   */
  async start(): Promise<void> {
    const p = this.persisted();
    this.persist(() => ({ ...p, guard: resumeGuardState(p.guard) }));
    if (p.model !== undefined && !this.diagnosis.restore(p.model)) this.o.log.info({ enclosure: this.id }, 'saved enclosure model does not match this configuration: fitting anew');
    if (p.guard.latched.length) this.o.log.warn({ enclosure: this.id, faults: p.guard.latched.map((f) => `${f.kind}:${f.component}`) }, 'latched faults restored from state; heat stays off until acknowledged');
    const d = this.o.devices;
    for (const s of d.sensors) await s.start();
    for (const a of d.actuators.values()) {
      await a.start();
      if (this.o.startupStaggerMs) await this.o.clock.sleep(this.o.startupStaggerMs);
    }
    for (const f of d.feeders.values()) await f.start();
    await d.waterLevel?.start();
  }

  /**
   * Starts the background sampling: every sensor on its own cadence, except bulk-capable probes,
   * which join `bulk` (the host's 1-Wire bulk sampler) when given, and the float switch. Resolves
   * once the first sample of each (but the bulk sampler's) is in, so the first tick has readings.
   */
  startSampling(bulk?: OneWireBulkSampler): Promise<void> {
    const d = this.o.devices;
    this.sampling ??= new EnclosureSampling(this.o.clock, d.sensors, d.waterLevel, this.o.waterLevelEveryMs ?? WATER_LEVEL_SAMPLE_EVERY_MS, bulk);
    return this.sampling.start();
  }

  /** Stops the background sampling and waits for the samples in progress. */
  async stopSampling(): Promise<void> {
    await this.sampling?.stop();
  }

  /** Health of every component of this enclosure. */
  health(): ComponentHealth[] {
    const sources = this.healthSources;
    const out: ComponentHealth[] = new Array(sources.length);
    for (let i = 0; i < sources.length; i++) out[i] = sources[i].health();
    return out;
  }

  /** The last tick's snapshot (undefined before the first tick). */
  snapshot(): EnclosureSnapshot | undefined {
    return this.lastSnapshot;
  }

  /**
   * One control tick, synchronous: fuse the latest readings, plan, guard, queue the output writes,
   * report. Never throws for hardware trouble: that becomes health, quality and faults. Returns the
   * outcome at once when no output had to be written, else a promise of it that settles when the
   * writes this tick queued are done (so the snapshot shows the outputs as written); the decision
   * itself never waits.
   */
  tick(clockPlausible: boolean): TickOutcome | Promise<TickOutcome> {
    const { enc, devices, clock } = this.o;
    // 1. Latest readings (sampled beside the tick), judged for age now
    const waterLow = devices.waterLevel ? devices.waterLevel.latest() : false;
    const now = clock.now();
    const mono = clock.monotonic();
    const bySensor: ReadingsBySensor = {};
    for (const s of devices.sensors) {
      const r = s.readings();
      bySensor[s.id] = r;
      if (r.temperature?.quality === 'ok') this.seenTemperature.add(s.id);
    }
    // 2. Diagnose (enclosure model, sensors cross-checked) and fuse without the sensors it distrusts
    const outputsNow = this.outputsNow;
    for (const o of this.outputs) outputsNow[o.id] = o.component.peek();
    if (this.diagnosis.observe(now, mono, bySensor, outputsNow)) this.saveModel(mono);
    const m = fuseMeasurements(enc, bySensor, this.diagnosis.distrusted());
    // 3. Plan (with the mode derived from the previous tick's faults and current health)
    const p = this.persisted();
    const op = this.operatorInputs(p, now);
    const health = this.health();
    const planMode = this.mode === 'safe' ? 'safe' : p.operator.mode === 'manual' ? 'manual' : this.mode;
    const planned = planEnclosure(enc, m, op, this.control, { now, mono, timezone: this.o.timezone, clockPlausible, mode: planMode, photoperiodKey: this.photoperiodKey });
    this.control = planned.state;
    // 4. Guard. A component the supervisor latched for a person joins the guard's latched faults,
    // so it is persisted at once, survives a restart and is cleared only by an acknowledgement.
    const applied: Record<string, boolean> = {};
    for (const o of this.outputs) applied[o.id] = o.component.peek().on;
    const supervisorFaults = this.o.supervisorFaults?.() ?? [];
    let newLatches: Fault[] = [];
    if (supervisorFaults.length) {
      const latchedKeys = new Set(p.guard.latched.map(faultKey));
      newLatches = supervisorFaults.filter((f) => !latchedKeys.has(faultKey(f)));
    }
    const guardIn = newLatches.length ? { ...p.guard, latched: latchFaults(p.guard.latched, newLatches) } : p.guard;
    const guarded = guardEnclosure(enc, m, planned.plan, guardIn, {
      now,
      mono,
      waterLow,
      applied,
      setpointC: planned.setpointC,
      hysteresisC: planned.hysteresisC,
      daytime: planned.phase !== 'night',
    });
    this.saveGuard(p.guard, guarded.state, mono);
    // A wall-clock step: feeding records follow it onto the new timeline (no slot comes round twice).
    if (guarded.clock.stepMs !== 0) this.persist((x) => ({ ...x, feeding: shiftFeedingRecords(x.feeding, guarded.clock.stepMs, this.o.timezone) }));
    // 5. Apply: every output gets a command (anything the guard left out is off), queued, not awaited.
    let writes: Promise<void>[] | null = null;
    const temperatureC = m.temperature?.value ?? null;
    for (const o of this.outputs) {
      let cmd: OutputCommand = guarded.outputs[o.id] ?? { on: false, reason: 'not planned' };
      if (cmd.on && o.heaterSensors !== null && !o.heaterSensors.some((sid) => this.seenTemperature.has(sid))) {
        // A heater runs (even on its fallback duty) only once one of its own sensors delivered a
        // trustworthy temperature since start (a heater whose sensor fails the start-up check does not start at all).
        cmd = { on: false, reason: 'no temperature from its sensors since start: heater held off' };
      }
      const write = o.component.submit(cmd);
      if (write) (writes ??= []).push(write);
      this.logChange(o.id, cmd, temperatureC);
    }
    const events: ControlEvent[] = [...planned.events];
    for (const fault of newLatches) events.push({ type: 'fault', fault: { ...fault, latched: true } });
    for (const ev of guarded.events) events.push(ev);
    // Feeding: decided after the outputs are safe; the cycle runs beside the ticks.
    if (devices.feeders.size) this.feed(now, clockPlausible, temperatureC, planned.setpointC, events, guarded.clock.trusted, guarded.state.elapsedMs);
    // 6. Report (diagnosis faults beside the guard's; never latched here)
    const diagnosed = this.diagnosis.faults();
    if (diagnosed !== this.diagnosisFaults) {
      events.push(...faultEvents(this.diagnosisFaults, diagnosed, now));
      this.diagnosisFaults = diagnosed;
    }
    const guardKeys = diagnosed.length ? new Set(guarded.faults.map(faultKey)) : null;
    const faults = guardKeys ? [...guarded.faults, ...diagnosed.filter((f) => !guardKeys.has(faultKey(f)))] : guarded.faults;
    const mode = deriveMode({ operatorMode: p.operator.mode, faults, health, fallbackActive: planned.fallbacks.length > 0 });
    if (mode !== this.mode) {
      this.o.log.info({ enclosure: this.id, from: this.mode, to: mode, faults: faults.map((f) => `${f.kind}:${f.component}`) }, `mode ${this.mode} -> ${mode}`);
      events.push({ type: 'notice', message: `mode ${this.mode} -> ${mode}`, at: now });
      this.mode = mode;
    }
    for (const ev of events) this.logEvent(ev);
    const report = (): TickOutcome => {
      const actuators: Record<string, ActuatorSnapshot> = {};
      for (const o of this.outputs) {
        const st = o.component.peek();
        actuators[o.id] = st.level === undefined ? { kind: o.kind, on: st.on, reason: st.reason } : { kind: o.kind, on: st.on, level: st.level, reason: st.reason };
      }
      for (const id of devices.feeders.keys()) actuators[id] = { kind: 'feeder', on: false, reason: 'idle' };
      this.lastSnapshot = {
        enclosureId: this.id,
        name: enc.name,
        at: now,
        mode,
        phase: planned.phase,
        lightLevel: planned.lightLevel,
        setpointC: planned.setpointC,
        hysteresisC: planned.hysteresisC,
        setpointOverridden: planned.setpointOverridden,
        humidityRange: this.humidityRange,
        limits: this.limits,
        temperature: m.temperature,
        humidity: m.humidity,
        pressure: m.pressure,
        actuators,
        faults,
        lastFedAt: this.lastFedAt(),
        health,
      };
      return { snapshot: this.lastSnapshot, events };
    };
    if (writes === null) return report();
    return (writes.length === 1 ? writes[0] : Promise.all(writes)).then(report);
  }

  /** When any feeder of this enclosure last fed, wall ms (null: never). */
  private lastFedAt(): number | null {
    let last: number | null = null;
    for (const f of Object.values(this.persisted().feeding)) if (f.lastFedAt !== null && (last === null || f.lastFedAt > last)) last = f.lastFedAt;
    return last;
  }

  private operatorInputs(p: EnclosurePersisted, now: number): OperatorInputs {
    const o = p.operator;
    const op: OperatorInputs = { mode: o.mode, manualOutputs: o.manualOutputs };
    if (o.setpointOverride && o.setpointOverride.until > now) op.setpointOverride = o.setpointOverride;
    if (this.manualFeedAt !== undefined) op.feedRequestedAt = this.manualFeedAt;
    return op;
  }

  /** Stages the fitted model into the state document (written with the next durable write). */
  private saveModel(mono: number): void {
    if (this.lastModelPersist !== null && mono - this.lastModelPersist < MODEL_PERSIST_INTERVAL_MS) return;
    if (this.lastModelPersist === null) {
      this.lastModelPersist = mono;
      return;
    }
    this.lastModelPersist = mono;
    const model = this.diagnosis.toJSON();
    this.persist((p) => ({ ...p, model }), true);
  }

  private saveGuard(before: GuardState, after: GuardState, mono: number): void {
    const latchedChanged = !sameFaults(before.latched, after.latched);
    const durable = latchedChanged || mono - this.lastGuardPersist >= GUARD_PERSIST_INTERVAL_MS;
    if (durable) this.lastGuardPersist = mono;
    try {
      this.persist((p) => ({ ...p, guard: after }), !durable);
    } catch (e) {
      // A full or read-only disk must not stop control (the outputs are applied after this): the
      // document keeps the new state in memory and the next durable write carries it.
      if (!(e instanceof StateStoreError)) throw e;
      if (!this.stateUnwritable) this.o.log.error({ enclosure: this.id, err: describeError(e) }, 'state not written: control goes on with the state in memory');
      this.stateUnwritable = true;
      return;
    }
    if (durable && this.stateUnwritable) this.o.log.info({ enclosure: this.id }, 'state written again');
    if (durable) this.stateUnwritable = false;
  }

  private feed(now: number, clockPlausible: boolean, temperatureC: number | null, setpointC: number, events: ControlEvent[], clockTrusted: boolean, runMs: number): void {
    const feeding = this.o.enc.climate.feeding;
    for (const [id, feeder] of this.o.devices.feeders) {
      if (!feeding) {
        if (this.manualFeedAt !== undefined) events.push({ type: 'feed-skipped', actuatorId: id, at: now, reason: 'the profile has no feeding section' });
        continue;
      }
      const state = feedingOf(this.persisted(), id);
      const temperatureOk = temperatureC !== null && Math.abs(temperatureC - setpointC) <= feeding.requireTemperatureWithinC;
      const decision = decideFeed(feeding, state, { now, timezone: this.o.timezone, clockPlausible, clockTrusted, runMs, temperatureOk, feederHealthy: feeder.ready(), ...(this.manualFeedAt === undefined ? {} : { manualRequestedAt: this.manualFeedAt }) }, this.schedules.get(id));
      if (decision.action === 'none') continue;
      if (decision.action === 'skip') {
        if (decision.final) {
          if (decision.slot !== null) this.persist((p) => ({ ...p, feeding: { ...p.feeding, [id]: recordSkip(state, decision.slot as number) } }));
          else {
            this.manualFeedAt = undefined;
            this.feedOutcome = { request: this.feedRequest, result: { ok: false, outcome: 'skipped', reason: decision.reason } };
          }
          events.push({ type: 'feed-skipped', actuatorId: id, at: now, reason: decision.reason });
        } else {
          const key = `${decision.slot}:${decision.reason}`;
          if (!this.loggedSkips.has(key)) {
            this.loggedSkips.add(key);
            this.o.log.warn({ enclosure: this.id, feeder: id, reason: decision.reason }, 'feed postponed');
          }
        }
        continue;
      }
      // Persist BEFORE the feeder moves: a crash mid-feed must never cause a second feed.
      try {
        this.persist((p) => ({ ...p, feeding: { ...p.feeding, [id]: recordFeed(state, now, decision.slot, this.o.timezone, runMs) } }));
      } catch (e) {
        if (!(e instanceof StateStoreError)) throw e;
        // Without a durable record a restart could feed this slot again: no feed now. The record
        // stays in memory, so this run does not retry the slot either (a missed feed, said aloud,
        // rather than a possible double one).
        const reason = `the feed could not be recorded on disk (${describeError(e)}); not feeding, so a restart cannot feed twice`;
        this.o.log.error({ enclosure: this.id, feeder: id, err: describeError(e) }, 'feed skipped: state not writable');
        if (decision.reason === 'manual') {
          this.manualFeedAt = undefined;
          this.feedOutcome = { request: this.feedRequest, result: { ok: false, outcome: 'skipped', reason } };
        }
        events.push({ type: 'feed-skipped', actuatorId: id, at: now, reason });
        continue;
      }
      if (decision.reason === 'manual') {
        this.manualFeedAt = undefined;
        this.feedOutcome = { request: this.feedRequest, result: { ok: true, outcome: 'fed', detail: `fed by ${id}` } };
      }
      events.push({ type: 'feed', actuatorId: id, at: now, reason: decision.reason });
      const run = feeder.dispense().then((ok) => {
        if (!ok) this.o.onEvent?.({ type: 'notice', message: `feed cycle of ${id} failed; feeder disabled until healthy`, at: this.o.clock.now() });
      });
      this.feeds.add(run);
      void run.finally(() => this.feeds.delete(run));
    }
  }

  private logChange(id: string, cmd: OutputCommand, temperatureC: number | null): void {
    const key = `${cmd.on}:${cmd.level ?? ''}`;
    if (this.lastApplied.get(id) === key) return;
    const first = !this.lastApplied.has(id);
    this.lastApplied.set(id, key);
    if (first && !cmd.on) return;
    this.o.log.info({ enclosure: this.id, output: id, on: cmd.on, ...(cmd.level === undefined ? {} : { level: cmd.level }), reason: cmd.reason, temperatureC: temperatureC === null ? null : Math.round(temperatureC * 100) / 100 }, `${id} ${cmd.on ? 'on' : 'off'} (${cmd.reason})`);
  }

  private logEvent(ev: ControlEvent): void {
    const base = { enclosure: this.id };
    switch (ev.type) {
      case 'fault':
        this.o.log[ev.fault.latched ? 'error' : 'warn']({ ...base, fault: ev.fault.kind, component: ev.fault.component, latched: ev.fault.latched }, ev.fault.message);
        break;
      case 'fault-cleared':
        this.o.log.info({ ...base, fault: ev.kind, component: ev.component }, `fault cleared: ${ev.kind} (${ev.component})`);
        break;
      case 'feed':
        this.o.log.info({ ...base, feeder: ev.actuatorId, reason: ev.reason }, `feeding (${ev.reason})`);
        break;
      case 'feed-skipped':
        this.o.log.warn({ ...base, feeder: ev.actuatorId, reason: ev.reason }, `feed skipped: ${ev.reason}`);
        break;
      case 'phase':
        this.o.log.info({ ...base, phase: ev.phase }, `photoperiod: ${ev.phase}`);
        break;
      case 'notice':
        if (!ev.message.startsWith('mode ')) this.o.log.info(base, ev.message);
        break;
    }
  }

  // ---- operator commands (validated and bounded by the caller; applied at the next tick) ----

  setMode(mode: 'auto' | 'manual'): CommandResult {
    this.persist((p) => ({ ...p, operator: { ...p.operator, mode, manualOutputs: mode === 'auto' ? {} : p.operator.manualOutputs } }));
    return { ok: true, detail: `mode ${mode}` };
  }

  setSetpointOverride(valueC: number, durationMinutes: number): CommandResult {
    const { safety, temperature } = this.o.enc.climate;
    const margin = Math.max(temperature.day.hysteresisC, temperature.night.hysteresisC) / 2;
    if (!(valueC - margin > safety.minC && valueC + margin < safety.maxC)) {
      return { ok: false, reason: `setpoint ${valueC} °C outside the profile's safe range (${safety.minC + margin}..${safety.maxC - margin} °C)` };
    }
    const until = this.o.clock.now() + durationMinutes * 60_000;
    this.persist((p) => ({ ...p, operator: { ...p.operator, setpointOverride: { valueC, until } } }));
    return { ok: true, detail: `setpoint ${valueC} °C until ${new Date(until).toISOString()}` };
  }

  clearSetpointOverride(): CommandResult {
    this.persist((p) => ({ ...p, operator: { ...p.operator, setpointOverride: null } }));
    return { ok: true };
  }

  setOutput(actuatorId: string, on: boolean): CommandResult {
    if (!this.o.devices.actuators.has(actuatorId)) return { ok: false, reason: `no output "${actuatorId}" in enclosure "${this.id}"` };
    if (this.persisted().operator.mode !== 'manual') return { ok: false, reason: 'manual output control needs manual mode' };
    this.persist((p) => ({ ...p, operator: { ...p.operator, manualOutputs: { ...p.operator.manualOutputs, [actuatorId]: on } } }));
    const request = ++this.requests;
    this.outputRequest.set(actuatorId, request);
    const settle = outputOutcome(actuatorId, on, () => this.o.devices.actuators.get(actuatorId)?.state(), () => this.outputRequest.get(actuatorId) === request);
    return { ok: true, outcome: 'accepted', detail: `${actuatorId} ${on ? 'on' : 'off'} requested (still under the safety interlocks and wear limits)`, settle };
  }

  feedNow(): CommandResult {
    if (this.o.devices.feeders.size === 0) return { ok: false, reason: `enclosure "${this.id}" has no feeder` };
    if (!this.o.enc.climate.feeding) return { ok: false, reason: 'the profile has no feeding section (limits unknown)' };
    this.manualFeedAt = this.o.clock.now();
    const request = ++this.feedRequest;
    const settle = (): CommandResult | null => {
      if (this.feedRequest !== request) return { ok: false, outcome: 'superseded', reason: 'a later feed request replaced this one' };
      return this.feedOutcome?.request === request ? this.feedOutcome.result : null;
    };
    return { ok: true, outcome: 'accepted', detail: 'feed requested; limits and pre-feed checks apply at the next tick', settle };
  }

  /** Acknowledges latched faults; returns what was cleared. */
  acknowledge(): CommandResult {
    const p = this.persisted();
    const { state, cleared } = acknowledgeFaults(p.guard, this.o.clock.now());
    this.persist((x) => ({ ...x, guard: state }));
    for (const f of cleared) this.o.log.warn({ enclosure: this.id, fault: f.kind, component: f.component }, 'latched fault acknowledged');
    return { ok: true, detail: cleared.length ? `acknowledged ${cleared.map((f) => `${f.kind}:${f.component}`).join(', ')}` : 'no latched faults' };
  }

  /**
   * Drives every output to its safe state: heaters always off, others to their configured startup
   * state (off unless configured otherwise), the cutoff off. Every output is tried, whatever fails.
   */
  async safeOutputs(): Promise<void> {
    for (const o of this.outputs) {
      if (o.onAtShutdown) await o.component.apply({ on: true, reason: 'shutdown: startup state' });
      else await o.component.forceOff('shutdown');
    }
  }

  /** Stops the sampling, waits for a feed in progress, drives outputs safe, stops every component. */
  async stop(): Promise<void> {
    await this.stopSampling();
    await Promise.allSettled([...this.feeds]);
    await this.safeOutputs();
    const d = this.o.devices;
    for (const f of d.feeders.values()) await f.stop();
    for (const a of d.actuators.values()) await a.stop();
    for (const s of d.sensors) await s.stop();
    await d.waterLevel?.stop();
  }

  /** Sensor, actuator and feeder components, for the supervisor. */
  get devices(): EnclosureDevices {
    return this.o.devices;
  }
}
