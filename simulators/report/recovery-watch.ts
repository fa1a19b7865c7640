import type { EnclosureSnapshot } from '../../src/control/snapshot.js';

/** One component waiting to be healthy again after an injected event was cleared. */
interface Pending {
  event: number;
  component: string;
  clearedAt: number;
}

/**
 * Seconds from an injected event's clearing until each component it touched is healthy again:
 * the first tick at or after the clearing at which the component's health is `healthy` (or it has
 * no health entry) and no active fault names it. Per enclosure; memory grows with the components
 * still waiting, and each tick checks only those.
 */
export class RecoveryWatch {
  private pending: Pending[] = [];
  /** event index -> component -> seconds (`null` while waiting). */
  private readonly results = new Map<number, Map<string, number | null>>();

  /** Starts waiting for `components` after event `event` was cleared at wall ms `clearedAt`. */
  watch(event: number, components: readonly string[], clearedAt: number): void {
    let byComponent = this.results.get(event);
    if (!byComponent) this.results.set(event, (byComponent = new Map()));
    for (const component of components) {
      byComponent.set(component, null);
      this.pending.push({ event, component, clearedAt });
    }
  }

  /** One tick of the enclosure. */
  check(snap: EnclosureSnapshot): void {
    if (this.pending.length === 0) return;
    this.pending = this.pending.filter((p) => {
      if (snap.at < p.clearedAt || !healthy(snap, p.component)) return true;
      this.results.get(p.event)?.set(p.component, (snap.at - p.clearedAt) / 1000);
      return false;
    });
  }

  /** The results of event `event`: component -> seconds, `null` if never healthy again. */
  result(event: number): Array<{ component: string; seconds: number | null }> {
    return [...(this.results.get(event) ?? [])].map(([component, seconds]) => ({ component, seconds }));
  }
}

function healthy(snap: EnclosureSnapshot, component: string): boolean {
  for (const f of snap.faults) if (f.component === component) return false;
  for (const h of snap.health) if (h.id === component) return h.status === 'healthy';
  return true;
}
