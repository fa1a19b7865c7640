import type { Clock, TimerHandle } from '../hal/clock.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import { formatLiveLine, timeOfDayIn } from './live-line.js';

/**
 * Prints one {@link formatLiveLine} per enclosure every `everyMs` of the controller's clock (the
 * scaled clock under `--speed`, so pass `realMs * speed` for a steady real-time cadence), on a
 * terminal, while `terrarium run` runs. Stops on {@link stop}.
 */
export class LiveView {
  private timer: TimerHandle | undefined;
  private readonly timeOfDay: (ms: number) => string;

  constructor(
    private readonly o: {
      clock: Clock;
      everyMs: number;
      timezone: string;
      snapshots: () => EnclosureSnapshot[];
      write: (text: string) => void;
    },
  ) {
    this.timeOfDay = timeOfDayIn(o.timezone);
  }

  start(): void {
    const loop = (): void => {
      const lines = this.o.snapshots().map((s) => formatLiveLine(s, this.timeOfDay));
      if (lines.length) this.o.write(`${lines.join('\n')}\n`);
      this.timer = this.o.clock.setTimeout(loop, this.o.everyMs);
    };
    this.timer = this.o.clock.setTimeout(loop, this.o.everyMs);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
