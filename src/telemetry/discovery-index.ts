import { z } from 'zod';
import type { DiscoveryMessage } from './discovery.js';

/**
 * What this controller has published for Home Assistant discovery: device config topic →
 * component key → platform. Kept retained on `<base>/discovery-index` and in the outbox's
 * `meta` table, so a later start with fewer enclosures or actuators can remove what is gone.
 */
export interface DiscoveryIndex {
  version: 1;
  devices: Record<string, Record<string, string>>;
}

const IndexSchema = z.strictObject({
  version: z.literal(1),
  devices: z.record(z.string().min(1), z.record(z.string(), z.string())),
});

/** The index describing `messages`. */
export function indexOf(messages: DiscoveryMessage[]): DiscoveryIndex {
  const devices: Record<string, Record<string, string>> = {};
  for (const m of messages) {
    const comps: Record<string, string> = {};
    for (const [key, c] of Object.entries(m.payload.components)) comps[key] = String(c.platform);
    devices[m.topic] = comps;
  }
  return { version: 1, devices };
}

/** Parses a stored or received index; `null` for an empty, foreign or malformed one (then nothing is removed). */
export function parseIndex(text: string | Buffer | undefined): DiscoveryIndex | null {
  if (text === undefined || text.length === 0) return null;
  try {
    const r = IndexSchema.safeParse(JSON.parse(text.toString()));
    return r.success ? r.data : null;
  } catch {
    // Not JSON: someone else's payload on our topic. Treated as "no index"; nothing is removed.
    return null;
  }
}

/** What to publish (retained, QoS 1, in this order) to retract what `previous` has and `current` lacks. */
export interface Retraction {
  /** Topic and payload: `''` clears a whole device; a device payload with removed components reduced to `{ platform }`. */
  messages: Array<{ topic: string; payload: string }>;
  /** Device topics whose full current payload must be published again after `messages`. */
  republish: string[];
}

/**
 * Home Assistant removal rules (ha-mqtt-discovery.md §1): an empty retained payload on a device
 * topic removes the device and its entities; a component merely omitted from a device payload is
 * NOT removed, so a device that lost components is first republished with each of them reduced
 * to `{ "platform": ... }`, then in full.
 */
export function retract(previous: DiscoveryIndex | null, current: DiscoveryMessage[]): Retraction {
  const out: Retraction = { messages: [], republish: [] };
  if (!previous) return out;
  const byTopic = new Map(current.map((m) => [m.topic, m]));
  for (const [topic, comps] of Object.entries(previous.devices)) {
    const now = byTopic.get(topic);
    if (!now) {
      out.messages.push({ topic, payload: '' });
      continue;
    }
    const gone = Object.entries(comps).filter(([key]) => !(key in now.payload.components));
    if (gone.length === 0) continue;
    const components = { ...now.payload.components };
    for (const [key, platform] of gone) components[key] = { platform };
    out.messages.push({ topic, payload: JSON.stringify({ ...now.payload, components }) });
    out.republish.push(topic);
  }
  return out;
}
