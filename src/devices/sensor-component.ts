import { describeError } from '../errors.js';
import { SensorDataError } from '../drivers/errors.js';
import type { Quantity, Sample, SensorDriver } from '../drivers/types.js';
import type { FailureDetails } from '../resilience/health-tracker.js';
import type { ComponentHealth, HealthTransition } from '../resilience/health-types.js';
import { DeviceCore, type DeviceCoreOptions } from './device-core.js';
import { ComponentNotReadyError, StuckValueError } from './errors.js';
import { type PlausibleRange, QuantityTrack } from './quantity-track.js';
import type { Reading } from './reading.js';

/**
 * Default plausibility ranges: the BME280's operating range (BST-BME280-DS002 Table 1: -40..85 °C,
 * 0..100 %RH, 300..1100 hPa). Enclosure-specific ranges from the profile narrow these.
 */
export const DEFAULT_PLAUSIBLE: Readonly<Record<Quantity, PlausibleRange>> = {
  temperature: { min: -40, max: 85 },
  humidity: { min: 0, max: 100 },
  pressure: { min: 30_000, max: 110_000 },
};

/** Default stale limit, ms (config `staleAfterSeconds` default 60 s). */
export const DEFAULT_STALE_AFTER_MS = 60_000;
/** Default stuck limit, ms (config `stuckAfterMinutes` default 30 min). */
export const DEFAULT_STUCK_AFTER_MS = 30 * 60_000;

/**
 * Options of {@link SensorComponent}; durations in ms. Shared ones (`retry`, `breaker`,
 * `initTimeoutMs`, `healthyAfterSuccesses`, `onHealthChange`) are documented in `device-core.ts`:
 * 3 attempts / 50 ms base / 400 ms cap / 2 s per attempt; breaker opens after 5 failed samples,
 * probes after 2 s doubling to 20 s; 10 s to create and initialise; healthy after 3 good in a row.
 */
export interface SensorComponentOptions extends Omit<DeviceCoreOptions<SensorDriver>, 'kind'> {
  /** Opens the bus and builds the driver (not initialised); called by `start()` and `restart()`. */
  createDriver: () => Promise<SensorDriver>;
  /** Releases what `createDriver` opened (the bus); called by `restart()` and `stop()`. */
  closeDriver?: (driver: SensorDriver) => Promise<void>;
  /** Quantities to report even before a driver exists (as `missing`); default: the driver's. */
  quantities?: readonly Quantity[];
  /** A reading whose last sample is older than this is `stale`; default 60 000. */
  staleAfterMs?: number;
  /** Same raw value for this long means `stuck`; 0 = off; default 30 min. */
  stuckAfterMs?: number;
  /** Report the median of the last N raw samples (1 = off); default 1. */
  medianOf?: number;
  /** Plausibility ranges per quantity, over {@link DEFAULT_PLAUSIBLE}. */
  plausible?: Partial<Record<Quantity, PlausibleRange>>;
  /**
   * Cadence of the background sampling (config `sampleEverySeconds`), ms; default
   * {@link DEFAULT_SAMPLE_EVERY_MS}. The component does not schedule itself: the enclosure's
   * sampling does (alone, or in a 1-Wire bulk conversion with the other probes of the master).
   */
  sampleEveryMs?: number;
  /** The driver can read the value of a bulk conversion (DS18B20 on a w1 master with `therm_bulk_read`). */
  bulkCapable?: boolean;
}

/** Told one sample's duration, ms (monotonic), and whether it delivered; see {@link SensorComponent.observeSamples}. */
export type SampleObserver = (durationMs: number, ok: boolean) => void;

/** Default sampling cadence, ms. */
export const DEFAULT_SAMPLE_EVERY_MS = 2_000;

/**
 * Where a sample's value comes from: `own` the driver's own measurement (`read()`, which may run a
 * conversion), `converted` the value of a bulk conversion just run on the bus (`readConverted()`).
 */
export type SampleSource = 'own' | 'converted';

/**
 * A sensor as a health-tracked component: driver + retry (transient errors
 * only) + circuit breaker + per-attempt timeout + plausibility + staleness + stuck detection +
 * optional median-of-N. No method throws: failures become health and reading quality, and the
 * supervisor calls {@link reset} / {@link restart}, which act on the real driver.
 *
 * Reading quality is decided from sample timestamps (monotonic) at {@link readings} time, never
 * from "did the last call work": one failed sample keeps the reading `ok` until it is older than
 * `staleAfterMs`.
 */
export class SensorComponent {
  readonly id: string;
  readonly enclosureId: string;
  /** Background sampling cadence, ms. */
  readonly sampleEveryMs: number;
  /** True when this sensor can take part in a 1-Wire bulk conversion. */
  readonly bulkCapable: boolean;
  private stopped = false;
  private sampling: Promise<void> | null = null;
  private recovering = 0;
  private readonly tracks = new Map<Quantity, QuantityTrack>();
  /** What {@link readings} returned last: returned again while every reading is the same object. */
  private lastReadings: Partial<Record<Quantity, Reading>> | null = null;
  private readonly core: DeviceCore<SensorDriver>;
  /** Told each sample's duration (metrics); undefined: samples are not timed at all. */
  private sampleObserver: SampleObserver | undefined;

  constructor(private readonly opts: SensorComponentOptions) {
    this.id = opts.id;
    this.enclosureId = opts.enclosureId;
    this.sampleEveryMs = opts.sampleEveryMs ?? DEFAULT_SAMPLE_EVERY_MS;
    this.bulkCapable = opts.bulkCapable ?? false;
    this.core = new DeviceCore({ ...opts, kind: 'sensor' });
  }

  /** Creates and initialises the driver. Never throws: a failure marks health `failed` with the reason. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.exclusive(() => this.core.open('start'));
  }

  /**
   * True when {@link sample} would read now: started, initialised, no recovery action running and
   * the circuit lets an attempt through.
   */
  canSample(): boolean {
    return !this.stopped && this.recovering === 0 && this.core.ready && this.core.driver !== null && this.core.breaker.canAttempt();
  }

  /**
   * Takes one sample through breaker, retry and timeout and records it. Never throws. Skipped while
   * the driver is not initialised (the supervisor restarts it), the circuit is open, a recovery
   * action runs, or a previous sample is still running (that sample's promise is returned).
   * `source` `converted` reads the value of a bulk conversion just run on the bus, when the driver
   * can (else its own measurement).
   */
  sample(source: SampleSource = 'own'): Promise<void> {
    if (this.sampling) return this.sampling;
    const driver = this.core.driver;
    if (this.stopped || this.recovering > 0 || !this.core.ready || !driver) return Promise.resolve();
    if (!this.core.breaker.canAttempt()) return Promise.resolve();
    const observer = this.sampleObserver;
    const started = observer ? this.opts.clock.monotonic() : 0;
    this.sampling = this.read(driver, 'read', 'breaker', source)
      .then((ok) => {
        if (observer) observer(this.opts.clock.monotonic() - started, ok);
      })
      .finally(() => {
        this.sampling = null;
      });
    return this.sampling;
  }

  /**
   * Times every sample from now on (the metrics' sample latency): `observer` gets each sample's
   * duration, ms of monotonic time from the first attempt to the recorded result (retries
   * included), and whether it delivered. `undefined` stops the timing. Must not throw.
   */
  observeSamples(observer: SampleObserver | undefined): void {
    this.sampleObserver = observer;
  }

  /**
   * Latest reading per quantity with its quality, judged at the clock's current monotonic time.
   * Read-only: while nothing changed the same object is returned again.
   */
  readings(): Partial<Record<Quantity, Reading>> {
    const nowMono = this.opts.clock.monotonic();
    const quantities = this.opts.quantities ?? this.core.driver?.quantities ?? [...this.tracks.keys()];
    const prev = this.lastReadings;
    let out: Partial<Record<Quantity, Reading>> | null = null;
    for (let i = 0; i < quantities.length; i++) {
      const q = quantities[i];
      const track = this.tracks.get(q);
      const r = track
        ? track.reading(this.id, q, nowMono, this.staleAfterMs(), this.stuckAfterMs())
        : { sensorId: this.id, quantity: q, value: null, at: null, quality: 'missing' as const, reason: `never read (${this.core.tracker.health().reason ?? 'no sample yet'})` };
      if (out === null && prev !== null && prev[q] === r) continue;
      if (out === null) {
        // First difference: copy what matched so far, then go on building.
        out = {};
        for (let j = 0; j < i; j++) out[quantities[j]] = prev?.[quantities[j]];
      }
      out[q] = r;
    }
    if (out === null) {
      if (prev !== null && Object.keys(prev).length === quantities.length) return prev;
      out = {};
      for (const q of quantities) out[q] = prev?.[q];
    }
    this.lastReadings = out;
    return out;
  }

  /** Health snapshot, with the breaker's current state. */
  health(): ComponentHealth {
    return this.core.health();
  }

  /** The last health status transitions, oldest first. */
  healthHistory(): HealthTransition[] {
    return this.core.tracker.history();
  }

  /**
   * Recovery step "reset": the driver's soft reset (BME280: 0xB6 to 0xE0, calibration reload) or,
   * for a chip without one (DS18B20), `init()` again; then a verification read, which closes the
   * breaker when good. Returns whether it worked (false after `stop()`); never throws.
   */
  reset(): Promise<boolean> {
    return this.exclusive(async () => {
      const driver = this.core.driver;
      if (this.stopped) return false;
      if (!driver) {
        this.fail(new ComponentNotReadyError(this.id, 'no driver to reset (restart it)'), { fatal: true, context: 'reset' });
        return false;
      }
      let retries = 0;
      try {
        await this.core.retrying(() => (driver.reset ? driver.reset() : driver.init()), `${driver.description} reset`, () => retries++, this.core.initTimeoutMs());
      } catch (err) {
        this.core.ready = false;
        this.fail(err, { fatal: true, retries, context: 'reset' });
        return false;
      }
      this.core.ready = true;
      return this.read(driver, 'reset: verification read', 'verify');
    });
  }

  /**
   * Recovery step "restart": releases the driver and its bus, creates it again (the factory reopens
   * the bus), initialises it (self-test) and makes a verification read. Returns whether it worked
   * (false after `stop()`); never throws.
   */
  restart(): Promise<boolean> {
    return this.exclusive(async () => {
      if (this.stopped) return false;
      if (!(await this.core.open('restart'))) return false;
      return this.read(this.core.driver as SensorDriver, 'restart: verification read', 'verify');
    });
  }

  /** Stops sampling and releases the driver. Never throws (a close failure is recorded and logged). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.exclusive(() => this.core.close('stop'));
  }

  private staleAfterMs(): number {
    return this.opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  }

  private stuckAfterMs(): number {
    return this.opts.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  }

  /** Runs `fn` with sampling paused, after any running sample and earlier recovery action. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.recovering++;
    return this.core.serial(async () => {
      if (this.sampling) await this.sampling;
      try {
        return await fn();
      } finally {
        this.recovering--;
      }
    });
  }

  /**
   * One read with retry (`readConverted()` for a `converted` source where the driver has it, else `read()`); records the samples and
   * the outcome. `breaker` mode feeds the breaker; `verify` mode (recovery actions) bypasses it,
   * closes it on success and fails fatally.
   */
  private async read(driver: SensorDriver, context: string, mode: 'breaker' | 'verify', source: SampleSource = 'own'): Promise<boolean> {
    let retries = 0;
    try {
      const op = source === 'converted' && driver.readConverted ? () => (driver.readConverted as () => Promise<Sample[]>).call(driver) : () => driver.read();
      const samples = await this.core.retrying(op, `${driver.description} read`, () => retries++);
      const problem = this.ingest(samples);
      if (problem) throw problem;
    } catch (err) {
      this.fail(err, { retries, context, fatal: mode === 'verify' });
      if (mode === 'breaker') this.core.breaker.recordFailure();
      return false;
    }
    this.core.tracker.recordSuccess({ retries });
    if (mode === 'verify') this.core.breaker.forceClosed();
    else this.core.breaker.recordSuccess();
    return true;
  }

  /** Stores a read's samples; returns the first data problem (garbage, implausible, stuck) or null. */
  private ingest(samples: Sample[]): Error | null {
    const bad = samples.find((s) => !Number.isFinite(s.value));
    if (bad) return new SensorDataError('garbage', `${this.id}: ${bad.quantity} is not a finite number (${bad.value})`);
    const at = this.opts.clock.now();
    const mono = this.opts.clock.monotonic();
    const stuckAfterMs = this.stuckAfterMs();
    let problem: Error | null = null;
    for (const s of samples) {
      let track = this.tracks.get(s.quantity);
      if (!track) this.tracks.set(s.quantity, (track = new QuantityTrack()));
      const range = this.opts.plausible?.[s.quantity] ?? DEFAULT_PLAUSIBLE[s.quantity];
      const implausible = track.add(this.id, s.quantity, s.value, at, mono, { range, medianOf: this.opts.medianOf ?? 1, windowMs: this.staleAfterMs() });
      const stuckFor = track.unchangedForMs();
      problem ??= implausible ?? (stuckAfterMs > 0 && stuckFor >= stuckAfterMs ? new StuckValueError(this.id, s.quantity, s.value, stuckFor) : null);
    }
    return problem;
  }

  private fail(err: unknown, details: FailureDetails): void {
    this.core.tracker.recordFailure(err, details);
    this.opts.log.debug({ ...this.core.fields(), err: describeError(err), context: details.context }, 'sensor operation failed');
  }
}
