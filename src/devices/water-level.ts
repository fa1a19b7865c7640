import type { Logger } from 'pino';
import type { WaterLevelSchema } from '../config/enclosure-schema.js';
import type { z } from 'zod';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import type { DigitalInput, GpioProvider } from '../hal/gpio.js';
import { HealthTracker } from '../resilience/health-tracker.js';
import type { ComponentHealth } from '../resilience/health-types.js';

type WaterLevelConfig = z.infer<typeof WaterLevelSchema>;

/** Default cadence of the float switch's background sampling, ms. */
export const WATER_LEVEL_SAMPLE_EVERY_MS = 1_000;
/** A float-switch reading older than this counts as unknown (treated as empty), ms. */
export const WATER_LEVEL_STALE_AFTER_MS = 10_000;

/**
 * The mister reservoir's float switch. {@link read} answers `true` (empty), `false` (water
 * present) or `undefined` (unknown: the line could not be opened or read). The guard treats
 * unknown as empty, so a broken float switch stops the mister rather than running a dry pump.
 * {@link sample} reads it in the background and {@link latest} answers from that reading at once
 * (unknown once it is older than {@link WATER_LEVEL_STALE_AFTER_MS}), so the tick never waits on
 * the line.
 */
export class WaterLevelInput {
  readonly id = 'water-level';
  private input: DigitalInput | undefined;
  private readonly tracker: HealthTracker;
  private last: boolean | undefined;
  /** Monotonic ms of {@link last}; -Infinity before the first sample. */
  private lastMono = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly cfg: WaterLevelConfig,
    private readonly gpio: GpioProvider,
    enclosureId: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.tracker = new HealthTracker({ id: this.id, enclosureId, kind: 'input', clock });
  }

  async start(): Promise<void> {
    try {
      this.input = await this.gpio.openInput(this.cfg.pin, this.cfg.pull);
    } catch (e) {
      this.tracker.recordFailure(e, { fatal: true, context: 'open' });
      this.log.error({ component: this.id, pin: this.cfg.pin, err: describeError(e) }, 'float switch unavailable; the mister stays off');
    }
  }

  /** `true` when the reservoir is empty, `undefined` when unknown. Never throws. */
  async read(): Promise<boolean | undefined> {
    if (!this.input) {
      await this.start();
      if (!this.input) return undefined;
    }
    try {
      const level = await this.input.read();
      this.tracker.recordSuccess();
      return level === (this.cfg.emptyLevel === 'high');
    } catch (e) {
      this.tracker.recordFailure(e, { context: 'read' });
      return undefined;
    }
  }

  /** Reads the switch (see {@link read}) and keeps the answer for {@link latest}. Never throws. */
  async sample(): Promise<void> {
    this.last = await this.read();
    this.lastMono = this.clock.monotonic();
  }

  /** The last sampled answer: `true` empty, `false` water present, `undefined` unknown or older than the stale limit. */
  latest(): boolean | undefined {
    return this.clock.monotonic() - this.lastMono > WATER_LEVEL_STALE_AFTER_MS ? undefined : this.last;
  }

  health(): ComponentHealth {
    return this.tracker.health();
  }

  async stop(): Promise<void> {
    await this.input?.close().catch(() => undefined);
    this.input = undefined;
  }
}
