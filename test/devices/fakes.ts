import pino from 'pino';
import type { DimmerDriver, Quantity, Sample, SensorDriver, SwitchDriver } from '../../src/drivers/types.js';
import { I2cError } from '../../src/hal/errors.js';
import type { VirtualClock } from '../../simulators/virtual-clock.js';

/** A logger that writes nothing. */
export const silentLog = pino({ level: 'silent' });

/** Wall time the tests start at: 2025-06-01 03:00 UTC. */
export const T0 = Date.UTC(2025, 5, 1, 3, 0, 0);

export const eio = (): I2cError => new I2cError('EIO', 1, 0x76, 'read failed');

/** One scripted read: a temperature in °C, values per quantity, an error to throw, or a read that never answers. */
export type ReadStep = number | Partial<Record<Quantity, number>> | Error | 'hang';

/** A sensor driver that answers reads from a script, then from `fallback`. */
export class FakeSensorDriver implements SensorDriver {
  readonly description = 'fake sensor';
  reads = 0;
  inits = 0;
  resets = 0;
  readonly script: ReadStep[] = [];
  fallback: ReadStep = 25;
  readonly initErrors: Error[] = [];
  /** What a reset does (e.g. clears a stuck fault); throws to fail the reset. */
  onReset: () => void = () => undefined;

  constructor(readonly quantities: readonly Quantity[] = ['temperature']) {}

  async init(): Promise<void> {
    this.inits++;
    const err = this.initErrors.shift();
    if (err) throw err;
  }

  read(): Promise<Sample[]> {
    this.reads++;
    const step = this.script.length > 0 ? (this.script.shift() as ReadStep) : this.fallback;
    if (step === 'hang') return new Promise(() => undefined);
    if (step instanceof Error) return Promise.reject(step);
    if (typeof step === 'number') return Promise.resolve([{ quantity: 'temperature', value: step }]);
    return Promise.resolve(Object.entries(step).map(([quantity, value]) => ({ quantity: quantity as Quantity, value: value as number })));
  }

  async reset(): Promise<void> {
    this.resets++;
    this.onReset();
  }
}

/** A relay-like output: records writes, can fail writes, lie on read-back, or be slow. */
export class FakeSwitch implements SwitchDriver {
  description = 'fake relay';
  /** Logical state of the output latch. */
  output = false;
  writes: boolean[] = [];
  inits = 0;
  closes = 0;
  /** Error for a `set(on)` call, or undefined to succeed. */
  failSet: (on: boolean) => Error | undefined = () => undefined;
  initError: Error | undefined;
  /** `true`: a welded relay / shorted line that always reads back on. */
  readsBackOn = false;
  /** `false`: the backend cannot read back. */
  canReadBack = true;
  /** Each set takes this long on the clock (0 = instant). */
  setDelayMs = 0;

  constructor(private readonly clock?: VirtualClock) {}

  async init(): Promise<void> {
    this.inits++;
    if (this.initError) throw this.initError;
    this.output = false;
  }

  async set(on: boolean): Promise<void> {
    if (this.setDelayMs > 0 && this.clock) await this.clock.sleep(this.setDelayMs);
    const err = this.failSet(on);
    if (err) throw err;
    this.writes.push(on);
    this.output = on;
  }

  async readBack(): Promise<boolean | undefined> {
    if (!this.canReadBack) return undefined;
    return this.readsBackOn ? true : this.output;
  }

  async close(): Promise<void> {
    this.closes++;
    this.output = false;
  }
}

/** A PCA9685-like dimmer channel. */
export class FakeDimmer extends FakeSwitch implements DimmerDriver {
  levels: number[] = [];

  async setLevel(level: number): Promise<void> {
    this.levels.push(level);
    this.output = level > 0;
  }
}
