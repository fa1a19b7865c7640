import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import type { ComponentHealth } from '../../src/resilience/health-types.js';
import type { MqttLink } from '../../src/telemetry/connection.js';
import { HealthPublisher } from '../../src/telemetry/health-publisher.js';
import { SnapshotPublisher } from '../../src/telemetry/snapshot-publisher.js';
import { TopicTree } from '../../src/telemetry/topics.js';
import { T0, snapshot } from './support/fixtures.js';

/** A link stand-in that records publishes; `up` says whether it is connected. */
function fakeLink(up = true) {
  const sent: Array<{ topic: string; payload: string; retain: boolean }> = [];
  const state = { up };
  const link = {
    isConnected: () => state.up,
    publish: (topic: string, payload: string, o: { retain: boolean }) => {
      if (!state.up) return false;
      sent.push({ topic, payload, retain: o.retain });
      return true;
    },
  } as unknown as MqttLink;
  return { link, sent, state };
}

const topics = new TopicTree('terrarium', 'terra01', 'homeassistant');
const health = (status: ComponentHealth['status'], reads = 1, enclosureId: string | null = 'gecko'): ComponentHealth => ({
  id: 'air',
  enclosureId,
  kind: 'sensor',
  status,
  lastSuccessAt: T0,
  lastErrorAt: null,
  counters: { reads, failures: 0, retries: 0, recoveries: 0 },
});

describe('HealthPublisher', () => {
  it('republishes only on a change of status, and counter-only changes at most once per interval', async () => {
    const clock = new VirtualClock(T0);
    const { link, sent } = fakeLink();
    const p = new HealthPublisher({ topics, clock, link, intervalMs: 60_000 });
    p.onHealth([health('healthy', 1)]);
    p.onHealth([health('healthy', 2)]);
    expect(sent.length).toBe(1);
    p.onHealth([health('degraded', 3)]);
    expect(sent.length).toBe(2);
    await clock.advance(59_999);
    p.onHealth([health('degraded', 4)]);
    expect(sent.length).toBe(2);
    await clock.advance(1);
    p.onHealth([health('degraded', 5)]);
    expect(sent.length).toBe(3);
    p.onHealth([health('degraded', 5)]);
    expect(sent.length).toBe(3);
    expect(sent.every((m) => m.topic === 'terrarium/terra01/gecko/health' && m.retain)).toBe(true);
    expect(JSON.parse(sent[2].payload).components.air.counters.reads).toBe(5);
  });

  it('keeps controller-wide health apart from enclosure health', () => {
    const { link, sent } = fakeLink();
    new HealthPublisher({ topics, clock: new VirtualClock(T0), link, intervalMs: 60_000 }).onHealth([health('healthy', 1, null), health('failed', 1, 'gecko')]);
    expect(sent.map((m) => m.topic)).toEqual(['terrarium/terra01/health', 'terrarium/terra01/gecko/health']);
  });
});

describe('SnapshotPublisher', () => {
  it('stores one reading per interval and publishes the state on change or once per interval', async () => {
    const clock = new VirtualClock(T0);
    const { link, sent } = fakeLink();
    const rows: number[] = [];
    const p = new SnapshotPublisher({ topics, clock, link, intervalMs: 60_000, enqueueReading: (_e, _p, at) => rows.push(at) });
    for (let i = 0; i < 12; i++) {
      p.onSnapshot(snapshot(clock.now(), 26 + i / 100));
      await clock.advance(10_000);
    }
    expect(rows).toEqual([T0, T0 + 60_000]);
    expect(sent.length).toBe(2); // measurements alone: once per interval
    const s = snapshot(clock.now(), 26);
    s.actuators.heater = { kind: 'heater', on: false, reason: 'above setpoint' };
    p.onSnapshot(s);
    expect(sent.length).toBe(3); // an output changed: at once
    expect(JSON.parse(sent[2].payload).actuators.heater.state).toBe('OFF');
  });

  it('keeps storing readings while offline and republishes the latest state on connect', () => {
    const clock = new VirtualClock(T0);
    const { link, sent, state } = fakeLink(false);
    const rows: number[] = [];
    const p = new SnapshotPublisher({ topics, clock, link, intervalMs: 60_000, enqueueReading: (_e, _p, at) => rows.push(at) });
    p.onSnapshot(snapshot(T0, 25));
    p.onSnapshot(snapshot(T0 + 1, 25.5));
    expect(rows).toEqual([T0]);
    expect(sent).toEqual([]);
    state.up = true;
    p.republishAll();
    expect(sent.map((m) => [m.topic, JSON.parse(m.payload).temperatureC])).toEqual([['terrarium/terra01/gecko/state', 25.5]]);
  });
});
