import type { Config } from '../config/load.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { Clock } from '../hal/clock.js';
import type { TelemetryStatus } from '../telemetry/options.js';
import type { Controller } from './controller.js';

/** What `terrarium status` shows: per enclosure the last snapshot, plus recovery in progress. */
export interface StatusReport {
  controllerId: string;
  at: number;
  ticks: number;
  enclosures: EnclosureSnapshot[];
  recovering: Array<{ enclosureId: string | null; component: string; step: string; fault: string }>;
  recentRecoveries: unknown[];
  /**
   * MQTT figures (absent without an `mqtt` section): `broker` link state, `outbox` pending and
   * dropped rows and the message counter, `commands` counters and the accepted kinds.
   */
  mqtt?: {
    broker: { connected: boolean; authFailed: boolean; lastError?: string; attempts: number; protocolVersion?: 4 | 5 };
    outbox: { pending: number; dropped: number };
    commands: TelemetryStatus['commands'] & { allowed: string[] };
  };
}

/** Builds the status report of a running controller (served on the local socket). */
export function statusReport(c: Controller, config: Config, clock: Clock): StatusReport {
  return {
    controllerId: config.controller.id,
    at: clock.now(),
    ticks: c.progress().ticks,
    enclosures: config.enclosures.flatMap((e) => {
      const s = c.runtime(e.id)?.snapshot();
      return s ? [s] : [];
    }),
    recovering: c.supervisor.ladderSteps(),
    recentRecoveries: c.state.get().recoveries.slice(-10),
    ...mqttFigures(c.telemetryStatus()),
  };
}

function mqttFigures(t: TelemetryStatus | undefined): Pick<StatusReport, 'mqtt'> {
  if (!t) return {};
  return {
    mqtt: {
      broker: { connected: t.connected, authFailed: t.authFailed, ...(t.lastError ? { lastError: t.lastError } : {}), attempts: t.attempts, ...(t.protocolVersion ? { protocolVersion: t.protocolVersion } : {}) },
      outbox: { pending: t.outboxPending, dropped: t.outboxDropped },
      commands: { ...(t.commands ?? { received: 0, rejected: 0, applied: 0, refused: 0, queued: 0, awaiting: 0, dropped: t.commandsDropped }), allowed: t.allowedCommands ?? [] },
    },
  };
}
