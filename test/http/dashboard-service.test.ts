import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startService } from '../../src/app/service.js';
import { loadConfig } from '../../src/config/load.js';
import { drive } from '../../simulators/run-simulation.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { PASSWORD, cookiesOf, setPassword } from './dashboard-rig.js';

describe('terrarium run with http and history sections', () => {
  it("serves the dashboard's charts from the service's local history", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-service-'));
    const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
    raw.controller.stateDir = join(dir, 'state');
    raw.controller.speciesDir = join(process.cwd(), 'config/species');
    raw.host = { enabled: false };
    raw.history = {};
    raw.http = { port: 0 };
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(raw));
    const config = loadConfig(file);
    mkdirSync(config.controller.stateDir);
    await setPassword(config);
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
    const clock = new VirtualClock(Date.parse('2026-06-01T08:00:00Z'));
    const service = await drive(clock, startService({ config, clock, log, socketPath: join(dir, 's.sock') }));
    try {
      await clock.advance(4 * 60_000);
      await service.history?.settled?.();
      const listening = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'http endpoint listening');
      const base = `http://127.0.0.1:${listening.http.port}`;
      const jar: Record<string, string> = {};
      const call = async (method: string, path: string, body?: unknown, csrf = '') => {
        const r = await fetch(base + path, { method, headers: { cookie: Object.entries(jar).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '), ...(body ? { 'content-type': 'application/json', 'x-csrf-token': csrf } : {}) }, body: body ? JSON.stringify(body) : undefined });
        Object.assign(jar, cookiesOf(r.headers.getSetCookie()));
        return { status: r.status, json: (await r.json()) as any };
      };
      const s = await call('GET', '/api/session');
      expect((await call('POST', '/api/login', { password: PASSWORD }, s.json.csrfToken)).status).toBe(200);
      const h = await call('GET', '/api/enclosures/gecko/history?range=24h');
      expect(h.status).toBe(200);
      expect(h.json.enabled).toBe(true);
      expect(h.json.points.length).toBeGreaterThanOrEqual(2);
      expect(h.json.points[0].temperatureC).toBeGreaterThan(10);
      expect(h.json.points).toEqual(service.history!.points('gecko', h.json.from, h.json.to));
    } finally {
      await drive(clock, service.stop());
    }
  }, 60_000);
});
