import { z } from 'zod';
import { initialFeedingState, type FeedingState } from '../control/feeding.js';
import { initialGuardState, type GuardState } from '../control/guard.js';
import type { ProcessRecord } from '../supervisor/process-record.js';

/** Operator choices that survive a restart (CLI / MQTT). */
export interface OperatorState {
  mode: 'auto' | 'manual';
  /** Temporary setpoint override, °C, until wall ms. */
  setpointOverride: { valueC: number; until: number } | null;
  /** Manual output states (honoured only in manual mode, still under the guard). */
  manualOutputs: Record<string, boolean>;
}

/** What one enclosure persists: latched faults and guard timers, feeding records, operator choices. */
export interface EnclosurePersisted {
  guard: GuardState;
  /** Feeding record per feeder id. */
  feeding: Record<string, FeedingState>;
  operator: OperatorState;
  /** The fitted enclosure model (src/model: `PersistedDiagnosis`); absent until first fitted. */
  model?: unknown;
}

/** One entry of the bounded recovery history. Times are wall ms. */
export interface RecoveryRecord {
  enclosureId: string | null;
  component: string;
  fault: string;
  strategy: 'retry' | 'reset' | 'restart' | 'fallback' | 'manual';
  startedAt: number;
  endedAt: number | null;
  outcome: 'recovered' | 'failed' | 'escalated' | 'pending';
}

/** The whole state document (`<stateDir>/state.json`). */
export interface PersistedState {
  version: 1;
  enclosures: Record<string, EnclosurePersisted>;
  recoveries: RecoveryRecord[];
  /** The controller process: clean stops, unclean restarts, watchdog (absent before the first start of this version). */
  process?: ProcessRecord;
}

export function initialOperatorState(): OperatorState {
  return { mode: 'auto', setpointOverride: null, manualOutputs: {} };
}

export function initialEnclosurePersisted(): EnclosurePersisted {
  return { guard: initialGuardState(), feeding: {}, operator: initialOperatorState() };
}

export function initialPersistedState(): PersistedState {
  return { version: 1, enclosures: {}, recoveries: [] };
}

/** Feeding state of `feederId`, created on first use. */
export function feedingOf(p: EnclosurePersisted, feederId: string): FeedingState {
  return p.feeding[feederId] ?? initialFeedingState();
}

// The control layer owns the shapes of GuardState and FeedingState; here we check the envelope
// and the fields whose loss would be unsafe (latched faults, lastFedAt), and keep the rest as is.
const FaultShape = z.looseObject({ kind: z.string(), component: z.string(), at: z.number(), latched: z.boolean(), message: z.string() });
const GuardShape = z.looseObject({ version: z.literal(1), latched: z.array(FaultShape) });
const FeedingShape = z.looseObject({ lastFedAt: z.number().nullable() });
const EnclosureShape = z.object({
  guard: GuardShape,
  feeding: z.record(z.string(), FeedingShape),
  operator: z.object({
    mode: z.enum(['auto', 'manual']),
    setpointOverride: z.object({ valueC: z.number(), until: z.number() }).nullable(),
    manualOutputs: z.record(z.string(), z.boolean()),
  }),
});
const StateShape = z.object({
  version: z.literal(1),
  enclosures: z.record(z.string(), EnclosureShape),
  recoveries: z.array(z.looseObject({ component: z.string(), strategy: z.string() })),
});

/** Validates a parsed state document. @throws Error naming what is wrong */
export function parsePersistedState(raw: unknown): PersistedState {
  const r = StateShape.safeParse(raw);
  if (!r.success) throw new Error(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return raw as PersistedState;
}
