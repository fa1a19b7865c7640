import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { startService, type Service } from '../../src/app/service.js';
import { loadConfig } from '../../src/config/load.js';
import { SystemClock } from '../../src/hal/system-clock.js';
import { Observer, startAedes } from '../telemetry/support/brokers.js';
import { waitFor } from '../telemetry/support/wait.js';

/**
 * The whole controller (service, tick loop, simulated terrarium, telemetry) against a real broker,
 * driven the way Home Assistant drives it. Real time: sockets need it; every wait is for an event.
 */
describe('controller over MQTT, end to end', () => {
  let cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  it('announces itself, publishes state, and obeys a manual-mode command with a result', async () => {
    const broker = await startAedes();
    cleanup.push(() => broker.close());
    const dir = mkdtempSync(join(tmpdir(), 'e2e-'));
    const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
    raw.controller.stateDir = join(dir, 'state');
    raw.controller.speciesDir = join(process.cwd(), 'config/species');
    raw.host = { enabled: false };
    raw.mqtt = { url: broker.url, publishIntervalSeconds: 1 };
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(raw));
    const ha = await Observer.connect(broker.url);
    cleanup.push(() => ha.close());

    const service: Service = await startService({ config: loadConfig(file), clock: new SystemClock(), log: silentLogger() });
    let stopped = false;
    cleanup.push(async () => {
      if (!stopped) await service.stop();
    });
    const base = 'terrarium/sim-terrarium';
    await waitFor(() => ha.last(`${base}/availability`)?.payload === 'online', 'availability online', { timeoutMs: 10_000 });
    await waitFor(() => ha.on('homeassistant/device/sim-terrarium_gecko/config').length > 0, 'enclosure discovery', { timeoutMs: 10_000 });
    await waitFor(() => ha.last(`${base}/gecko/state`) !== undefined, 'retained state', { timeoutMs: 10_000 });
    const state = JSON.parse(ha.last(`${base}/gecko/state`)!.payload);
    expect(state.mode).toBe('normal');

    await ha.publish(`${base}/gecko/cmd/mode`, JSON.stringify({ mode: 'manual', id: 'm1' }));
    await waitFor(() => ha.on(`${base}/gecko/result`).some((m) => JSON.parse(m.payload).id === 'm1'), 'mode result', { timeoutMs: 10_000 });
    expect(JSON.parse(ha.on(`${base}/gecko/result`).find((m) => JSON.parse(m.payload).id === 'm1')!.payload)).toMatchObject({ ok: true });
    await waitFor(() => JSON.parse(ha.last(`${base}/gecko/state`)!.payload).mode === 'manual', 'state shows manual mode', { timeoutMs: 10_000 });

    await ha.publish(`${base}/gecko/cmd/setpoint`, JSON.stringify({ valueC: 50, id: 's1' }));
    await waitFor(() => ha.on(`${base}/gecko/result`).some((m) => JSON.parse(m.payload).id === 's1'), 'setpoint result', { timeoutMs: 10_000 });
    const refused = JSON.parse(ha.on(`${base}/gecko/result`).find((m) => JSON.parse(m.payload).id === 's1')!.payload);
    expect(refused.ok).toBe(false);
    expect(refused.reason).toMatch(/outside/);

    await service.stop();
    stopped = true;
    await waitFor(() => ha.last(`${base}/availability`)?.payload === 'offline', 'offline on clean shutdown', { timeoutMs: 10_000 });
  }, 60_000);
});
