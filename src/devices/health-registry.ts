import type { ComponentHealth, HealthStatus } from '../resilience/health-types.js';
import { DuplicateComponentError } from './errors.js';

/** Returns a component's current health (e.g. `() => sensor.health()`); must not throw. */
export type HealthGetter = () => ComponentHealth;

/** Called with the status last notified (`unknown` at registration) and the new health. */
export type HealthChangeListener = (previous: HealthStatus, current: ComponentHealth) => void;

/** One notified change, as returned by {@link HealthRegistry.refresh}. */
export interface HealthChange {
  previous: HealthStatus;
  current: ComponentHealth;
}

interface Entry {
  enclosureId: string | null;
  id: string;
  getter: HealthGetter;
  /** Status last notified to listeners. */
  notified: HealthStatus;
}

/**
 * The one place the supervisor, telemetry and `terrarium status` read component health from.
 * Components register a getter; {@link refresh} polls every getter and notifies listeners of each
 * status change exactly once (deduplicated against the status last notified, so polling every tick
 * and calling `refresh` from a component's `onHealthChange` both work). Registration order is kept.
 */
export class HealthRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<HealthChangeListener>();

  /**
   * Registers a component by the `enclosureId`/`id` its getter reports now. Throws
   * {@link DuplicateComponentError} if that pair is taken. Returns a function that unregisters it.
   */
  register(getter: HealthGetter): () => void {
    const h = getter();
    const key = HealthRegistry.key(h.enclosureId, h.id);
    if (this.entries.has(key)) throw new DuplicateComponentError(h.enclosureId, h.id);
    const entry: Entry = { enclosureId: h.enclosureId, id: h.id, getter, notified: 'unknown' };
    this.entries.set(key, entry);
    return () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
  }

  /** Current health of every registered component, in registration order. */
  all(): ComponentHealth[] {
    return [...this.entries.values()].map((e) => e.getter());
  }

  /** Current health of the components of enclosure `enclosureId` (`null`: controller-wide ones). */
  byEnclosure(enclosureId: string | null): ComponentHealth[] {
    return [...this.entries.values()].filter((e) => e.enclosureId === enclosureId).map((e) => e.getter());
  }

  /** Current health of one component, `undefined` if none is registered under that pair. */
  get(enclosureId: string | null, id: string): ComponentHealth | undefined {
    return this.entries.get(HealthRegistry.key(enclosureId, id))?.getter();
  }

  /** Subscribes to status changes (delivered by {@link refresh}). Returns the unsubscribe function. */
  onChange(listener: HealthChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Polls every component and notifies listeners of each status that differs from the one last
   * notified. Returns the changes. Every listener sees every change even if one throws; the first
   * listener error is rethrown afterwards (a listener bug is not swallowed).
   */
  refresh(): HealthChange[] {
    const changes: HealthChange[] = [];
    for (const e of this.entries.values()) {
      const current = e.getter();
      if (current.status === e.notified) continue;
      changes.push({ previous: e.notified, current });
      e.notified = current.status;
    }
    let firstError: { err: unknown } | null = null;
    for (const c of changes) {
      for (const l of [...this.listeners]) {
        try {
          l(c.previous, c.current);
        } catch (err) {
          firstError ??= { err };
        }
      }
    }
    if (firstError) throw firstError.err;
    return changes;
  }

  private static key(enclosureId: string | null, id: string): string {
    return JSON.stringify([enclosureId, id]);
  }
}
