import type { CommandKind } from '../config/mqtt-schema.js';
import type { Clock } from '../hal/clock.js';
import type { CommandResultDoc } from '../telemetry/command-handler.js';

export type { CommandResultDoc };

/**
 * The controller's command intake as the dashboard sees it (`Controller.intake`): the same
 * validation, `allowed` kinds, bounded queue and results as MQTT; commands run at the next tick.
 * `path` is the MQTT command path (`['mode']`, `['output', actuatorId]`, ...), `payload` as over
 * MQTT; `reply` gets every result document (an `accepted` one first when the outcome comes later).
 */
export interface CommandIntake {
  submit(enclosureId: string, path: readonly string[], payload: Buffer, allowed: ReadonlySet<CommandKind>, reply: (r: CommandResultDoc) => void): void;
}

/** How long a dashboard request waits for a command's final result before answering with the accepted one, ms. */
export const COMMAND_WAIT_MS = 5_000;

/**
 * Submits a command and resolves with its final result, or with the last (accepted) one when no
 * final result came within `waitMs` of `clock` time. Never rejects.
 */
export function submitAndWait(intake: CommandIntake, clock: Clock, waitMs: number, enclosureId: string, path: string[], payload: Buffer, allowed: ReadonlySet<CommandKind>): Promise<CommandResultDoc> {
  return new Promise((resolve) => {
    let last: CommandResultDoc | undefined;
    let done = false;
    const timer = clock.setTimeout(() => {
      if (done) return;
      done = true;
      resolve(last ?? { ref: 0, command: path.join('/'), ok: false, final: true, outcome: 'unknown', reason: `no answer within ${waitMs / 1000} s`, enclosureId, at: new Date(clock.now()).toISOString() });
    }, waitMs);
    intake.submit(enclosureId, path, payload, allowed, (r) => {
      last = r;
      if (!r.final || done) return;
      done = true;
      timer.cancel();
      resolve(r);
    });
  });
}
