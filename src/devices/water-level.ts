import type { Logger } from 'pino';
import type { WaterLevelSchema } from '../config/enclosure-schema.js';
import type { z } from 'zod';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import type { DigitalInput, GpioProvider } from '../hal/gpio.js';
import { HealthTracker } from '../resilience/health-tracker.js';
import type { ComponentHealth } from '../resilience/health-types.js';

type WaterLevelConfig = z.infer<typeof WaterLevelSchema>;

/**
 * The mister reservoir's float switch. {@link read} answers `true` (empty), `false` (water
 * present) or `undefined` (unknown: the line could not be opened or read). The guard treats
 * unknown as empty, so a broken float switch stops the mister rather than running a dry pump.
 */
export class WaterLevelInput {
  readonly id = 'water-level';
  private input: DigitalInput | undefined;
  private readonly tracker: HealthTracker;

  constructor(
    private readonly cfg: WaterLevelConfig,
    private readonly gpio: GpioProvider,
    enclosureId: string,
    clock: Clock,
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

  health(): ComponentHealth {
    return this.tracker.health();
  }

  async stop(): Promise<void> {
    await this.input?.close().catch(() => undefined);
    this.input = undefined;
  }
}
