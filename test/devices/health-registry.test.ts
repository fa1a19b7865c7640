import { describe, expect, it } from 'vitest';
import { DuplicateComponentError } from '../../src/devices/errors.js';
import { HealthRegistry } from '../../src/devices/health-registry.js';
import { SensorComponent } from '../../src/devices/sensor-component.js';
import type { ComponentHealth, HealthStatus } from '../../src/resilience/health-types.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { FakeSensorDriver, T0, eio, silentLog } from './fakes.js';

function health(id: string, enclosureId: string | null, status: HealthStatus): ComponentHealth {
  return { id, enclosureId, kind: 'sensor', status, lastSuccessAt: null, lastErrorAt: null, counters: { reads: 0, failures: 0, retries: 0, recoveries: 0 } };
}

describe('HealthRegistry', () => {
  it('lists all components, by enclosure, and one by id', () => {
    const reg = new HealthRegistry();
    reg.register(() => health('air', 'gecko', 'healthy'));
    reg.register(() => health('probe', 'gecko', 'failed'));
    reg.register(() => health('air', 'frog', 'degraded'));
    reg.register(() => ({ ...health('broker', null, 'healthy'), kind: 'broker' }));
    expect(reg.all().map((h) => `${h.enclosureId}/${h.id}`)).toEqual(['gecko/air', 'gecko/probe', 'frog/air', 'null/broker']);
    expect(reg.byEnclosure('gecko').map((h) => h.id)).toEqual(['air', 'probe']);
    expect(reg.byEnclosure(null).map((h) => h.id)).toEqual(['broker']);
    expect(reg.get('frog', 'air')?.status).toBe('degraded');
    expect(reg.get('frog', 'probe')).toBeUndefined();
  });

  it('refuses a second component with the same enclosure and id', () => {
    const reg = new HealthRegistry();
    reg.register(() => health('air', 'gecko', 'healthy'));
    expect(() => reg.register(() => health('air', 'gecko', 'healthy'))).toThrow(DuplicateComponentError);
  });

  it('forgets an unregistered component', () => {
    const reg = new HealthRegistry();
    const off = reg.register(() => health('air', 'gecko', 'healthy'));
    off();
    expect(reg.all()).toEqual([]);
    reg.register(() => health('air', 'gecko', 'healthy'));
    expect(reg.all()).toHaveLength(1);
  });

  it('notifies each status change once, with the previous status', () => {
    const reg = new HealthRegistry();
    let status: HealthStatus = 'unknown';
    reg.register(() => health('air', 'gecko', status));
    const seen: string[] = [];
    reg.onChange((prev, cur) => seen.push(`${cur.id}: ${prev} > ${cur.status}`));
    reg.refresh();
    status = 'healthy';
    reg.refresh();
    reg.refresh();
    status = 'failed';
    reg.refresh();
    status = 'failed';
    reg.refresh();
    expect(seen).toEqual(['air: unknown > healthy', 'air: healthy > failed']);
  });

  it('stops notifying an unsubscribed listener', () => {
    const reg = new HealthRegistry();
    let status: HealthStatus = 'healthy';
    reg.register(() => health('air', 'gecko', status));
    const seen: HealthStatus[] = [];
    const unsubscribe = reg.onChange((_p, cur) => seen.push(cur.status));
    reg.refresh();
    unsubscribe();
    status = 'failed';
    reg.refresh();
    expect(seen).toEqual(['healthy']);
  });

  it('delivers a change to every listener even if one throws, then rethrows', () => {
    const reg = new HealthRegistry();
    reg.register(() => health('air', 'gecko', 'failed'));
    const boom = new Error('listener bug');
    const seen: string[] = [];
    reg.onChange(() => {
      throw boom;
    });
    reg.onChange((_p, cur) => seen.push(cur.status));
    expect(() => reg.refresh()).toThrow(boom);
    expect(seen).toEqual(['failed']);
  });

  it('reports a real sensor component going failed when its breaker opens', async () => {
    const clock = new VirtualClock(T0);
    const reg = new HealthRegistry();
    const driver = new FakeSensorDriver();
    driver.fallback = eio();
    const sensor = new SensorComponent({
      id: 'air',
      enclosureId: 'gecko',
      clock,
      random: new SeededRandom(1),
      log: silentLog,
      createDriver: async () => driver,
      breaker: { failureThreshold: 2 },
      onHealthChange: () => reg.refresh(),
    });
    reg.register(() => sensor.health());
    const seen: string[] = [];
    reg.onChange((prev, cur) => seen.push(`${prev} > ${cur.status}`));
    await sensor.start();
    for (let i = 0; i < 2; i++) {
      const p = sensor.sample();
      await clock.advance(1000);
      await p;
    }
    expect(seen).toEqual(['unknown > degraded', 'degraded > failed']);
    expect(reg.get('gecko', 'air')).toMatchObject({ status: 'failed', breaker: 'open' });
  });
});
