import type { Clock } from '../hal/clock.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import type { MqttLink } from './connection.js';
import { healthKey, healthPayload } from './payloads.js';
import type { TopicTree } from './topics.js';

interface Scope {
  list: ComponentHealth[];
  publishedKey: string | null;
  publishedCounters: string | null;
  publishedAt: number | null;
}

const counterKey = (list: ComponentHealth[]): string => list.map((h) => `${h.counters.reads},${h.counters.failures},${h.counters.retries},${h.counters.recoveries}`).join('|');

/**
 * Retained health documents, diff-based: one per enclosure (`<base>/<enc>/health`) and one for
 * controller-wide components (`<base>/health`). A document is republished at once when a
 * component's status, reason, breaker or last error changes, and when only counters moved, at
 * most every `intervalMs`. Each call to {@link onHealth} is authoritative for the scopes it contains.
 */
export class HealthPublisher {
  private scopes = new Map<string | null, Scope>();

  /** `seq`: the controller's message counter, stamped into every document (see `Outbox.seq`). */
  constructor(private readonly deps: { topics: TopicTree; clock: Clock; link: MqttLink; intervalMs: number; seq?: () => number }) {}

  onHealth(list: ComponentHealth[]): void {
    const grouped = new Map<string | null, ComponentHealth[]>();
    for (const h of list) {
      const g = grouped.get(h.enclosureId);
      if (g) g.push(h);
      else grouped.set(h.enclosureId, [h]);
    }
    const now = this.deps.clock.monotonic();
    // Offline nothing can be published: keep the latest lists for the republish at connect and
    // skip the keys and payloads (building them every tick was a tenth of a simulated tick).
    const connected = this.deps.link.isConnected();
    for (const [id, l] of grouped) {
      let scope = this.scopes.get(id);
      if (!scope) {
        scope = { list: l, publishedKey: null, publishedCounters: null, publishedAt: null };
        this.scopes.set(id, scope);
      }
      scope.list = l;
      if (!connected) continue;
      const key = l.map(healthKey).join('\n');
      const due = scope.publishedAt === null || now - scope.publishedAt >= this.deps.intervalMs;
      if (key !== scope.publishedKey || (due && counterKey(l) !== scope.publishedCounters)) this.publish(id, scope, key, now);
    }
  }

  /** Publishes every scope again (after a connect or a Home Assistant restart). */
  republishAll(): void {
    const now = this.deps.clock.monotonic();
    for (const [id, scope] of this.scopes) this.publish(id, scope, scope.list.map(healthKey).join('\n'), now);
  }

  private publish(id: string | null, scope: Scope, key: string, now: number): void {
    if (!this.deps.link.isConnected()) return;
    const sent = this.deps.link.publish(this.deps.topics.health(id), JSON.stringify({ ...healthPayload(scope.list, this.deps.clock.now()), seq: this.deps.seq?.() ?? 0 }), { qos: 1, retain: true });
    if (!sent) return;
    scope.publishedKey = key;
    scope.publishedCounters = counterKey(scope.list);
    scope.publishedAt = now;
  }
}
