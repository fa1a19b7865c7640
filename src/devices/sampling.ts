import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import { type Clock, withTimeout } from '../hal/clock.js';
import type { OneWire } from '../hal/onewire.js';
import { TimeoutError } from '../resilience/retry.js';
import { PeriodicTask } from './periodic-task.js';
import type { SensorComponent } from './sensor-component.js';
import type { WaterLevelInput } from './water-level.js';

/**
 * Budget of one bulk conversion call, ms: the DS18B20's 750 ms at 12 bits (datasheet "Thermometer
 * Resolution Configuration") with room for the backend's own polling; past it the cycle falls back
 * to each probe's own read, whose retry and timeout then judge the probe.
 */
export const BULK_CONVERT_TIMEOUT_MS = 2_000;

/**
 * The DS18B20 probes of every enclosure that share the host's 1-Wire master, sampled together:
 * per cycle one bulk conversion (`OneWire.bulkConvert`, the kernel's `therm_bulk_read`), then each
 * probe's converted value. N probes cost one conversion time (~750 ms) instead of N in a row (the
 * kernel serialises the master). When the bulk conversion fails or times out the cycle reads each
 * probe its own way (`w1_slave`), so a failure is judged per probe by its retry and breaker; a
 * master without bulk read (ENOENT) is not asked again. Cadence: the shortest `sampleEveryMs` of
 * the members.
 */
export class OneWireBulkSampler {
  private readonly members: SensorComponent[] = [];
  private task: PeriodicTask | undefined;
  private bulkAvailable = true;

  constructor(
    private readonly oneWire: OneWire,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** True when the backend can convert in bulk (`bulkConvert` and `readTemperature`). */
  static supported(oneWire: OneWire): boolean {
    return typeof oneWire.bulkConvert === 'function' && typeof oneWire.readTemperature === 'function';
  }

  /** Adds a probe (before {@link start}). */
  add(sensor: SensorComponent): void {
    this.members.push(sensor);
  }

  /** Number of probes sampled together. */
  get size(): number {
    return this.members.length;
  }

  /** Runs the first cycle, then one every cadence; resolves when the first cycle is done. */
  async start(): Promise<void> {
    if (this.members.length === 0 || this.task) return;
    const periodMs = Math.min(...this.members.map((m) => m.sampleEveryMs));
    this.task = new PeriodicTask(this.clock, periodMs, () => this.cycle());
    await this.cycle();
    this.task.start(periodMs);
  }

  /** Stops the cadence and waits for a cycle in progress. */
  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = undefined;
  }

  /** One cycle: one bulk conversion, then every ready probe's converted value (its own read on failure). */
  async cycle(): Promise<void> {
    const ready = this.members.filter((m) => m.canSample());
    if (ready.length === 0) return;
    const converted = this.bulkAvailable && (await this.convert());
    await Promise.all(ready.map((m) => m.sample(converted ? 'converted' : 'own')));
  }

  private async convert(): Promise<boolean> {
    const bulk = this.oneWire.bulkConvert as () => Promise<void>;
    try {
      await withTimeout(this.clock, bulk.call(this.oneWire), BULK_CONVERT_TIMEOUT_MS, () => new TimeoutError('1-Wire bulk conversion', BULK_CONVERT_TIMEOUT_MS));
      return true;
    } catch (err) {
      if ((err as { errno?: string }).errno === 'ENOENT') {
        this.bulkAvailable = false;
        this.log.warn({ err: describeError(err) }, '1-Wire master has no bulk conversion (therm_bulk_read): reading each probe on its own');
      } else {
        this.log.debug({ err: describeError(err) }, '1-Wire bulk conversion failed: reading each probe on its own this cycle');
      }
      return false;
    }
  }
}

/**
 * One enclosure's background sampling: each sensor on its own cadence (`sampleEveryMs`), except
 * the probes handed to a {@link OneWireBulkSampler}, and the float switch every
 * `waterLevelEveryMs`. Each sensor and the switch run on their own timer, so a slow or stalled
 * device delays only itself; the tick reads the latest values and judges their age.
 */
export class EnclosureSampling {
  private readonly tasks: PeriodicTask[] = [];
  private readonly own: SensorComponent[];

  /**
   * @param sensors the enclosure's sensors
   * @param waterLevel its float switch, if any
   * @param bulk the host's bulk sampler: bulk-capable probes join it instead of a timer of their own
   */
  constructor(
    private readonly clock: Clock,
    sensors: readonly SensorComponent[],
    private readonly waterLevel: WaterLevelInput | undefined,
    private readonly waterLevelEveryMs: number,
    bulk?: OneWireBulkSampler,
  ) {
    this.own = [];
    for (const s of sensors) {
      if (bulk && s.bulkCapable) bulk.add(s);
      else this.own.push(s);
    }
  }

  /**
   * Takes a first sample of every own sensor and the switch at once (concurrently), then starts
   * the cadences; resolves when the first samples are in.
   */
  async start(): Promise<void> {
    const first: Promise<void>[] = this.own.map((s) => s.sample());
    if (this.waterLevel) first.push(this.waterLevel.sample());
    await Promise.all(first);
    for (const s of this.own) this.startTask(s.sampleEveryMs, () => s.sample());
    const wl = this.waterLevel;
    if (wl) this.startTask(this.waterLevelEveryMs, () => wl.sample());
  }

  /** Stops every cadence and waits for the samples in progress. */
  async stop(): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.stop()));
    this.tasks.length = 0;
  }

  private startTask(periodMs: number, run: () => Promise<void>): void {
    const t = new PeriodicTask(this.clock, periodMs, run);
    this.tasks.push(t);
    t.start(periodMs);
  }
}
