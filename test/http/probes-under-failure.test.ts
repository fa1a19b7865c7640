import { describe, expect, it } from 'vitest';
import type { StatusDocument } from '../../src/http/status-api.js';
import { applyFault } from '../../simulators/fault-injector.js';
import { drive } from '../../simulators/run-simulation.js';
import { ScenarioEventSchema } from '../../simulators/scenario.js';
import { running } from './harness.js';

const json = (r: { body: string }) => JSON.parse(r.body);

describe('probes under failure (simulated hardware, virtual time)', () => {
  it('with every temperature sensor failed: live and ready stay 200 (control goes on, heater off); the failure is in /api/status', async () => {
    const { clock, c, http, get, world, config } = await running();
    try {
      await clock.advance(5_000);
      const clearAir = applyFault(world, config, ScenarioEventSchema.parse({ at: 0, device: 'air', fault: { kind: 'i2c-disconnect' } }));
      const clearProbe = applyFault(world, config, ScenarioEventSchema.parse({ at: 0, device: 'probe', fault: { kind: 'onewire-absent' } }));
      await clock.advance(180_000);
      expect((await get('/health/live')).status).toBe(200);
      expect((await get('/health/ready')).status).toBe(200);
      const doc = json(await get('/api/status')) as StatusDocument;
      const g = doc.enclosures[0]!;
      expect(g.temperature?.quality ?? 'missing').not.toBe('ok');
      expect(g.outputs.find((o) => o.id === 'heater')!.on).toBe(false); // a missing temperature never heats
      expect(doc.components.find((h) => h.enclosureId === 'gecko' && h.id === 'air')!.status).toBe('failed');
      expect(doc.components.find((h) => h.enclosureId === 'gecko' && h.id === 'probe')!.status).toBe('failed');
      expect(g.mode).not.toBe('normal');
      expect(doc.errorRate.failures).toBeGreaterThan(0);
      expect(doc.live).toEqual({ ok: true });
      expect(doc.ready).toEqual({ ok: true });
      clearAir();
      clearProbe();
    } finally {
      await drive(clock, c.stop());
      await http.stop();
    }
  });

  it('while the control loop is stalled (its timers held, the endpoint answering) live is 503, ready stays 200; both 200 once it runs again', async () => {
    const { clock, c, http, get, process: pc } = await running({ stallable: true });
    try {
      await clock.advance(5_000);
      expect((await get('/health/live')).status).toBe(200);
      const ticks = c.progress().ticks;
      pc!.hang();
      await clock.advance(2_000); // within 3 periods of the last tick
      expect((await get('/health/live')).status).toBe(200);
      await clock.advance(8_000);
      expect(c.progress().ticks).toBe(ticks);
      const live = await get('/health/live');
      expect(live.status).toBe(503);
      expect(json(live).reason).toMatch(/^no control tick completed for \d+ ms \(limit 3000 ms\)$/);
      expect((await get('/health/ready')).status).toBe(200);
      expect((json(await get('/api/status')) as StatusDocument).live.ok).toBe(false);
      pc!.resume();
      await clock.advance(1_000);
      expect(c.progress().ticks).toBeGreaterThan(ticks);
      expect((await get('/health/live')).status).toBe(200);
    } finally {
      pc!.resume(); // a stalled controller cannot stop
      await drive(clock, c.stop());
      await http.stop();
    }
  });

  it('during shutdown ready is 503 from the moment it begins while the outputs are driven safe; live stays 200 until the loop has been stopped 3 periods', async () => {
    const { clock, c, http, get } = await running();
    try {
      await clock.advance(5_000);
      expect((await get('/health/ready')).status).toBe(200);
      http.beginShutdown(); // as `terrarium run` does first on SIGTERM
      const stopping = c.stop();
      const ready = await get('/health/ready');
      expect(ready.status).toBe(503);
      expect(json(ready).reason).toBe('shutting down');
      expect((await get('/health/live')).status).toBe(200);
      await drive(clock, stopping);
      expect(c.runtime('gecko')!.devices.actuators.get('heater')!.peek().on).toBe(false);
      expect((await get('/health/ready')).status).toBe(503);
      await clock.advance(4_000);
      expect((await get('/health/live')).status).toBe(503);
    } finally {
      await http.stop();
    }
  });
});
