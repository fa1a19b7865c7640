import type { Config } from '../config/load.js';
import type { CommandKind } from '../config/mqtt-schema.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import { SWITCHABLE_KINDS, setpointBounds } from '../telemetry/commands.js';

/** One actuator as the dashboard lists it. `switchable`: an operator may switch it in manual mode. */
export interface DashboardActuator {
  id: string;
  kind: string;
  switchable: boolean;
}

/**
 * One enclosure on the dashboard: its configuration facts (actuators, setpoint override bounds in
 * °C, whether it has a feeder) and its latest snapshot (`null` before the first tick; temperatures
 * °C, humidity %RH, times wall ms).
 */
export interface DashboardEnclosure {
  id: string;
  name: string;
  profile: string;
  actuators: DashboardActuator[];
  hasFeeder: boolean;
  setpointBounds: { minC: number; maxC: number };
  snapshot: EnclosureSnapshot | null;
}

/** `GET /api/enclosures`: wall time `now` (ms), whether commands may be sent in this session, the allowed command kinds, every enclosure. */
export interface DashboardView {
  now: number;
  canCommand: boolean;
  allowedCommands: CommandKind[];
  enclosures: DashboardEnclosure[];
}

/** Builds the dashboard's view of every configured enclosure from the config and the latest snapshots. */
export function dashboardView(config: Config, snapshot: (id: string) => EnclosureSnapshot | undefined, now: number, canCommand: boolean, allowed: readonly CommandKind[]): DashboardView {
  return {
    now,
    canCommand,
    allowedCommands: [...allowed],
    enclosures: config.enclosures.map((e) => ({
      id: e.id,
      name: e.name,
      profile: e.profile,
      actuators: e.actuators.map((a) => ({ id: a.id, kind: a.kind, switchable: SWITCHABLE_KINDS.has(a.kind) })),
      hasFeeder: e.actuators.some((a) => a.kind === 'feeder'),
      setpointBounds: setpointBounds(e.climate),
      snapshot: snapshot(e.id) ?? null,
    })),
  };
}
