import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { Clock } from '../hal/clock.js';
import type { MqttLink } from './connection.js';
import { readingPayload, statePayload } from './payloads.js';
import type { TopicTree } from './topics.js';

interface Slot {
  snap: EnclosureSnapshot;
  /** {@link changeKey} of the last published state. */
  publishedKey: string | null;
  lastStateAt: number | null;
  lastReadingAt: number | null;
}

/**
 * What, in a snapshot, makes Home Assistant show something different at once: mode, phase,
 * setpoint, outputs, faults, component health, last feed. Measurements alone wait for the interval.
 */
export function changeKey(s: EnclosureSnapshot): string {
  let k = `${s.mode}|${s.phase}|${s.setpointC}|${s.setpointOverridden}|${s.lastFedAt}|`;
  for (const id in s.actuators) k += `${id}:${s.actuators[id].on ? 1 : 0},`;
  k += '|';
  for (const f of s.faults) k += `${f.kind}:${f.component}:${f.latched ? 1 : 0},`;
  k += '|';
  for (const h of s.health) k += `${h.id}:${h.status},`;
  return k;
}

/**
 * Turns the per-tick snapshots into (a) the retained state document, published when something
 * visible changed or at most every `intervalMs` otherwise, and only while connected (the latest one
 * is republished at every connect); and (b) one reading per enclosure per `intervalMs` into the
 * outbox via `enqueueReading`. Cadence uses monotonic time, so a wall-clock step neither floods
 * nor starves the outbox. O(actuators + faults + components) per call, no I/O unless publishing.
 */
export class SnapshotPublisher {
  private slots = new Map<string, Slot>();

  constructor(
    private readonly deps: {
      topics: TopicTree;
      clock: Clock;
      link: MqttLink;
      intervalMs: number;
      /** Stores a reading row (the caller stamps its sequence number and handles outbox errors). */
      enqueueReading: (enclosureId: string, payload: Record<string, unknown>, at: number) => void;
      /** Extra fields of the state document: the message counter and the last command result. */
      extra?: (enclosureId: string) => Record<string, unknown>;
    },
  ) {}

  onSnapshot(s: EnclosureSnapshot): void {
    const now = this.deps.clock.monotonic();
    let slot = this.slots.get(s.enclosureId);
    if (!slot) {
      slot = { snap: s, publishedKey: null, lastStateAt: null, lastReadingAt: null };
      this.slots.set(s.enclosureId, slot);
    }
    slot.snap = s;
    if (slot.lastReadingAt === null || now - slot.lastReadingAt >= this.deps.intervalMs) {
      slot.lastReadingAt = now;
      this.deps.enqueueReading(s.enclosureId, readingPayload(s), s.at);
    }
    if (!this.deps.link.isConnected()) return;
    const key = changeKey(s);
    if (key !== slot.publishedKey || slot.lastStateAt === null || now - slot.lastStateAt >= this.deps.intervalMs) this.publishState(slot, key, now);
  }

  /** Publishes the latest state of `enclosureId` now (e.g. after a refused command, so Home Assistant's switch flips back). */
  republish(enclosureId: string): void {
    const slot = this.slots.get(enclosureId);
    if (slot && this.deps.link.isConnected()) this.publishState(slot, changeKey(slot.snap), this.deps.clock.monotonic());
  }

  /** Publishes the latest state of every enclosure (after a connect or a Home Assistant restart). */
  republishAll(): void {
    const now = this.deps.clock.monotonic();
    for (const slot of this.slots.values()) this.publishState(slot, changeKey(slot.snap), now);
  }

  private publishState(slot: Slot, key: string, now: number): void {
    const sent = this.deps.link.publish(this.deps.topics.state(slot.snap.enclosureId), JSON.stringify({ ...statePayload(slot.snap), ...this.deps.extra?.(slot.snap.enclosureId) }), { qos: 1, retain: true });
    if (!sent) return;
    slot.publishedKey = key;
    slot.lastStateAt = now;
  }
}
