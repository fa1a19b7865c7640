import { randomUUID } from 'node:crypto';
import type { Config } from '../config/load.js';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import { buildChannels } from './channels.js';
import type { Alert, AlertChannel, ChannelName } from './types.js';

/** What one channel did with the test alert. */
export interface TestResult {
  channel: ChannelName;
  /** Where it sent (no secrets). */
  target: string;
  ok: boolean;
  /** Why it failed (one line), when not ok. */
  reason?: string;
}

/** The alert `terrarium notify --test` sends (kind `test`, severity `info`), at wall ms `now`. */
export function testAlert(config: Config, now: number, id: string = randomUUID()): Alert {
  return {
    id,
    kind: 'test',
    severity: 'info',
    enclosureId: null,
    component: null,
    title: 'test alert',
    message: 'This is a test alert from terrarium notify --test: this channel reaches you.',
    at: now,
    controllerId: config.controller.id,
    controllerName: config.controller.name,
    folded: 0,
  };
}

/**
 * Sends one test alert through every configured channel now, in parallel, bypassing the queue
 * (nothing is written to `alerts.db`). Never throws: each channel's failure is its result.
 */
export async function sendTestAlert(config: Config, clock: Clock, channels: readonly AlertChannel[] = buildChannels(config, clock)): Promise<TestResult[]> {
  const alert = testAlert(config, clock.now());
  return Promise.all(
    channels.map(async (ch): Promise<TestResult> => {
      try {
        await ch.send(alert);
        return { channel: ch.name, target: ch.target, ok: true };
      } catch (e) {
        return { channel: ch.name, target: ch.target, ok: false, reason: describeError(e) };
      } finally {
        ch.close?.();
      }
    }),
  );
}
