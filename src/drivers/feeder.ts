import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import { OutputError } from './errors.js';
import type { FeederDriver, SwitchDriver } from './types.js';

/**
 * Runs one feed cycle: `act` (motor on / hatch open, then the wait), then ALWAYS `rest`, even when
 * `act` failed half-way, so a write error mid-feed never leaves a motor running. If `rest` fails the
 * cycle rejects with `OutputError('rest-failed')` (cause: the rest error; message: both reasons),
 * because the mechanism may still be running; otherwise `act`'s error, if any, is rethrown.
 */
async function cycleToRest(description: string, act: () => Promise<void>, rest: () => Promise<void>): Promise<void> {
  let failure: { error: unknown } | undefined;
  try {
    await act();
  } catch (error) {
    failure = { error };
  }
  try {
    await rest();
  } catch (e) {
    const after = failure ? ` (after: ${describeError(failure.error)})` : '';
    throw new OutputError('rest-failed', `${description}: could not return to rest: ${describeError(e)}${after}`, { cause: e });
  }
  if (failure) throw failure.error;
}

/** Guards against overlapping feed cycles (a second "feed now" while one runs). */
class CycleGuard {
  private running = false;

  async run(description: string, cycle: () => Promise<void>): Promise<void> {
    if (this.running) throw new OutputError('busy', `${description}: a feed cycle is already running`);
    this.running = true;
    try {
      await cycle();
    } finally {
      this.running = false;
    }
  }
}

/**
 * An auger or vibration feeder on a relay: one portion = the relay on for `pulseMs` of monotonic
 * time on the injected clock, then off (the off runs whatever happened during the pulse).
 */
export class RelayPulseFeeder implements FeederDriver {
  readonly description: string;
  private readonly guard = new CycleGuard();

  /**
   * @param relay the motor's relay (e.g. `RelayOutput`); owned by the feeder (init/close)
   * @param pulseMs motor run time per portion, ms
   */
  constructor(
    private readonly relay: SwitchDriver,
    private readonly clock: Clock,
    readonly pulseMs: number,
  ) {
    this.description = `feeder on ${relay.description}, ${pulseMs} ms pulse`;
  }

  /** Initialises the relay (its self-test leaves the motor off). */
  async init(): Promise<void> {
    await this.relay.init();
  }

  /** Relay on, wait `pulseMs`, relay off. Rejects `OutputError('busy')` if a cycle is running. */
  async dispense(): Promise<void> {
    await this.guard.run(this.description, () =>
      cycleToRest(
        this.description,
        async () => {
          await this.relay.set(true);
          await this.clock.sleep(this.pulseMs);
        },
        () => this.relay.set(false),
      ),
    );
  }

  /** Motor off now (a running cycle still writes off again when its pulse ends). */
  async stop(): Promise<void> {
    await this.relay.set(false);
  }

  /** Motor off and the relay line released. */
  async close(): Promise<void> {
    await this.relay.close();
  }
}

/** The PCA9685 operation a servo uses; `Pca9685` satisfies it. Pulse width in µs at its frequency. */
export interface ServoBoard {
  readonly description: string;
  setPulseWidthUs(channel: number, us: number): Promise<void>;
}

/** Servo positions and timing (the `drive` block of a servo feeder in the config). */
export interface ServoFeederOptions {
  /** Pulse width holding the hatch closed, µs (hobby servo: 1000..2000 µs in a 20 ms frame). */
  closedUs: number;
  /** Pulse width with the hatch open, µs. */
  openUs: number;
  /** How long the hatch stays open, ms. */
  openMs: number;
  /**
   * Time allowed for the servo to travel back before `dispense()` resolves, ms. Default 300:
   * a full 180° at the SG90's rated 0.1 s/60° (4.8 V), the slowest common feeder servo.
   */
  settleMs?: number;
}

/** Default return-travel allowance, ms (see {@link ServoFeederOptions.settleMs}). */
export const DEFAULT_SERVO_SETTLE_MS = 300;

/**
 * A hatch feeder on a hobby servo driven by one PCA9685 channel. The board must run at 50 Hz
 * (20 ms servo frame) and is initialised once by its owner. One portion: `openUs`, hold `openMs`,
 * back to `closedUs`, wait `settleMs`. At rest the pulse keeps running, so the servo holds the hatch
 * shut (the PCA9685 keeps it going even if this process dies).
 */
export class ServoFeeder implements FeederDriver {
  readonly description: string;
  private readonly guard = new CycleGuard();

  constructor(
    private readonly board: ServoBoard,
    readonly channel: number,
    private readonly clock: Clock,
    private readonly options: ServoFeederOptions,
  ) {
    this.description = `servo feeder ${board.description} ch${channel}`;
  }

  /** Drives the hatch closed. */
  async init(): Promise<void> {
    await this.stop();
  }

  /** Open, hold, close, settle. Rejects `OutputError('busy')` if a cycle is running. */
  async dispense(): Promise<void> {
    await this.guard.run(this.description, async () => {
      await cycleToRest(
        this.description,
        async () => {
          await this.board.setPulseWidthUs(this.channel, this.options.openUs);
          await this.clock.sleep(this.options.openMs);
        },
        () => this.stop(),
      );
      await this.clock.sleep(this.options.settleMs ?? DEFAULT_SERVO_SETTLE_MS);
    });
  }

  /** Hatch closed (`closedUs`). */
  async stop(): Promise<void> {
    await this.board.setPulseWidthUs(this.channel, this.options.closedUs);
  }

  /** Hatch closed and held; nothing else to release (the board is shared). */
  async close(): Promise<void> {
    await this.stop();
  }
}
