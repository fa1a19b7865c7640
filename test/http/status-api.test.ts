import { describe, expect, it } from 'vitest';
import type { StatusDocument } from '../../src/http/status-api.js';
import { VERSION } from '../../src/version.js';
import { drive } from '../../simulators/run-simulation.js';
import { running } from './harness.js';

describe('GET /api/status', () => {
  it('gives the dashboard each enclosure as its last tick saw it, with the operator override and the feeders', async () => {
    const { clock, c, http, get } = await running();
    try {
      await clock.advance(10_000);
      expect(c.commands.setSetpointOverride('gecko', 29, 60).ok).toBe(true);
      await clock.advance(2_000);
      const r = await get('/api/status');
      expect(r.status).toBe(200);
      expect(r.type).toMatch(/^application\/json/);
      const doc = JSON.parse(r.body) as StatusDocument;
      expect(doc.schema).toBe(1);
      expect(doc.controllerId).toBe('sim-terrarium');
      expect(doc.version).toBe(VERSION);
      expect(doc.uptimeSeconds).toBeCloseTo(12, 0);
      expect(doc.ticks).toBe(c.progress().ticks);
      expect(doc.live).toEqual({ ok: true });
      expect(doc.ready).toEqual({ ok: true });

      const snap = c.runtime('gecko')!.snapshot()!;
      expect(doc.enclosures).toHaveLength(1);
      const g = doc.enclosures[0]!;
      expect(g.id).toBe('gecko');
      expect(g.temperature?.value).toBeCloseTo(snap.temperature!.value!, 9);
      expect(g.humidity?.value).toBeCloseTo(snap.humidity!.value!, 9);
      expect(g.setpointC).toBe(29);
      expect(g.setpointOverride?.valueC).toBe(29);
      expect(g.setpointOverride!.until).toBe(clock.now() - 2_000 + 60 * 60_000);
      expect(g.band.highC - g.band.lowC).toBeCloseTo(g.hysteresisC, 9);
      expect((g.band.highC + g.band.lowC) / 2).toBeCloseTo(29, 9);
      expect(g.limits).toEqual(snap.limits);
      expect(g.mode).toBe(snap.mode);
      expect(g.phase).toBe(snap.phase);
      expect(g.outputs.map((o) => o.id).sort()).toEqual(['fan', 'feeder', 'heater', 'lights', 'mister']);
      const heater = g.outputs.find((o) => o.id === 'heater')!;
      expect(heater).toMatchObject({ kind: 'heater', on: snap.actuators.heater!.on, reason: snap.actuators.heater!.reason });
      expect(g.feeders).toEqual([{ id: 'feeder', lastFedAt: null }]);
      expect(doc.components.some((h) => h.enclosureId === 'gecko' && h.id === 'air')).toBe(true);
      expect(doc.telemetry).toBeNull();
      expect(doc.errorRate.failures).toBe(0);
      expect(doc.errorRate.operations).toBeGreaterThan(0);

      // A cleared override is gone at once (the persisted operator state is read, not the last tick).
      c.commands.clearSetpointOverride('gecko');
      expect(http.status()!.enclosures[0]!.setpointOverride).toBeNull();
    } finally {
      await drive(clock, c.stop());
      await http.stop();
    }
  });

  it('counts failed I/O operations per minute over the last 15 minutes: a bus fault raises the rate, 16 quiet minutes later it is back to 0', async () => {
    const { clock, c, http, world } = await running();
    try {
      await clock.advance(60_000);
      const before = http.status()!.errorRate;
      expect(before.failures).toBe(0);
      expect(before.failureFraction).toBe(0);
      expect(before.windowSeconds).toBeCloseTo(60, 0); // since start, under 15 minutes

      world.buses.get(1)!.setFault(118, { kind: 'disconnect' }); // the BME280 "air" leaves the bus
      await clock.advance(5 * 60_000);
      const during = http.status()!;
      const failedAir = during.components.find((h) => h.enclosureId === 'gecko' && h.id === 'air')!;
      expect(during.errorRate.failures).toBe(during.components.reduce((n, h) => n + h.counters.failures, 0));
      expect(failedAir.counters.failures).toBeGreaterThan(0);
      expect(during.errorRate.failuresPerMinute).toBeCloseTo(during.errorRate.failures / (during.errorRate.windowSeconds / 60), 9);
      expect(during.errorRate.windowSeconds).toBeGreaterThan(6 * 60 - 5); // still since start
      expect(during.errorRate.windowSeconds).toBeLessThanOrEqual(6 * 60 + 5);
      expect(during.errorRate.failureFraction).toBeGreaterThan(0);
      expect(during.live.ok).toBe(true);

      world.buses.get(1)!.setFault(118, null);
      await clock.advance(5 * 60_000); // recovered; the failures are still inside the window
      expect(http.status()!.errorRate.failures).toBeGreaterThan(0);
      await clock.advance(16 * 60_000);
      const after = http.status()!.errorRate;
      expect(after.windowSeconds).toBeGreaterThanOrEqual(15 * 60);
      expect(after.windowSeconds).toBeLessThanOrEqual(16 * 60);
      expect(after.failures).toBe(0);
      expect(after.failuresPerMinute).toBe(0);
      expect(after.operations).toBeGreaterThan(0);
    } finally {
      await drive(clock, c.stop());
      await http.stop();
    }
  });
});
