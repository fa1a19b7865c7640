import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { Clock, TimerHandle } from '../hal/clock.js';
import type { Outbox } from '../store/outbox.js';
import type { MqttLink } from './connection.js';
import type { DiscoveryMessage } from './discovery.js';
import { type DiscoveryIndex, indexOf, parseIndex, retract } from './discovery-index.js';
import type { TopicTree } from './topics.js';

/** How long after connecting we wait for the broker's retained discovery index before replacing it, ms. */
export const INDEX_GRACE_MS = 2000;

/** `meta` key of the local copy of the discovery index. */
const META_KEY = 'discovery-index';

/**
 * Publishes Home Assistant discovery (retained, QoS 1) at every connect and on request, and
 * removes what an earlier configuration published and this one no longer has.
 *
 * Two copies of the index say what was published: the outbox's `meta` table (read at connect,
 * so removal works even before the broker answers) and the retained `<base>/discovery-index`
 * (so it also works after the SD card was replaced). The retained one is replaced only after it
 * arrived or after {@link INDEX_GRACE_MS}, so a slow broker cannot make us overwrite it unread.
 */
export class DiscoveryPublisher {
  private indexTimer: TimerHandle | null = null;
  private indexPublished = false;

  constructor(
    private readonly deps: {
      messages: DiscoveryMessage[];
      topics: TopicTree;
      link: MqttLink;
      outbox: Outbox;
      clock: Clock;
      log: Logger;
    },
  ) {}

  /** At every (re)connect, after subscribing to the index topic. */
  onConnect(): void {
    let local: DiscoveryIndex | null = null;
    try {
      local = parseIndex(this.deps.outbox.getMeta(META_KEY));
    } catch (e) {
      this.deps.log.error({ err: describeError(e) }, 'cannot read the local discovery index');
    }
    this.applyRetraction(local);
    this.publishAll();
    this.indexPublished = false;
    this.indexTimer?.cancel();
    this.indexTimer = this.deps.clock.setTimeout(() => this.publishIndex(), INDEX_GRACE_MS);
  }

  /** A message on `<base>/discovery-index` (our retained one, or an older one from before). */
  onIndex(payload: Buffer): void {
    if (payload.length === 0) return;
    const idx = parseIndex(payload);
    if (!idx) {
      this.deps.log.warn({ topic: this.deps.topics.discoveryIndex }, 'ignoring a malformed discovery index');
      return;
    }
    const republish = this.applyRetraction(idx);
    for (const m of this.deps.messages) if (republish.includes(m.topic)) this.publishOne(m);
    if (!this.indexPublished) this.publishIndex();
  }

  /** Publishes every current discovery payload (at connect and when Home Assistant restarts). */
  publishAll(): void {
    for (const m of this.deps.messages) this.publishOne(m);
  }

  /** Cancels the pending index timer (link down or stop). */
  cancel(): void {
    this.indexTimer?.cancel();
    this.indexTimer = null;
  }

  private applyRetraction(previous: DiscoveryIndex | null): string[] {
    const r = retract(previous, this.deps.messages);
    for (const m of r.messages) {
      this.deps.log.info({ topic: m.topic, removeDevice: m.payload === '' }, 'removing Home Assistant entities no longer configured');
      this.deps.link.publish(m.topic, m.payload, { qos: 1, retain: true });
    }
    return r.republish;
  }

  private publishOne(m: DiscoveryMessage): void {
    this.deps.link.publish(m.topic, JSON.stringify(m.payload), { qos: 1, retain: true });
  }

  private publishIndex(): void {
    this.indexTimer?.cancel();
    this.indexTimer = null;
    const text = JSON.stringify(indexOf(this.deps.messages));
    if (!this.deps.link.publish(this.deps.topics.discoveryIndex, text, { qos: 1, retain: true })) return;
    this.indexPublished = true;
    try {
      this.deps.outbox.setMeta(META_KEY, text);
    } catch (e) {
      this.deps.log.error({ err: describeError(e) }, 'cannot store the local discovery index');
    }
  }
}
