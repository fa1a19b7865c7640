import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/app/controller.js';
import { silentLogger } from '../../src/app/logger.js';
import { parseConfig } from '../../src/config/load.js';
import type { CommandResultDoc } from '../../src/telemetry/command-handler.js';
import { drive } from '../../simulators/run-simulation.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

/** A controller on simulated hardware without MQTT: the intake is its only command path here. */
async function controller() {
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = mkdtempSync(join(tmpdir(), 'intake-'));
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  delete raw.mqtt;
  const cfg = parseConfig(raw, join(process.cwd(), 'config/simulated.json'));
  const clock = new VirtualClock(Date.parse('2026-06-01T22:00:00Z'));
  const world = new SimWorld(cfg, clock);
  const c = new Controller({ config: cfg, hardware: world.hardware(), log: silentLogger() });
  await drive(clock, c.start());
  await clock.advance(5_000);
  return { c, clock, world };
}

/** Submits like a local front end and collects every result. */
function submit(c: Controller, path: string[], payload: string, allowed?: Set<'mode' | 'setpoint' | 'output' | 'feed' | 'acknowledge'>): CommandResultDoc[] {
  const got: CommandResultDoc[] = [];
  if (allowed) c.intake.submit('gecko', path, Buffer.from(payload), allowed, (r) => got.push(r));
  else c.intake.receive('gecko', path, Buffer.from(payload), { reply: (r) => got.push(r) });
  return got;
}

describe('command intake without MQTT (the dashboard path)', () => {
  it('runs commands at the next tick with the same rules and results as MQTT', async () => {
    const { c, clock, world } = await controller();
    // the heater is on at night; switching it off outside manual mode is refused with the reason
    const refused = submit(c, ['output', 'heater'], 'OFF');
    expect(refused).toEqual([]); // nothing runs between ticks
    await clock.advance(1_000);
    expect(refused).toEqual([expect.objectContaining({ command: 'output/heater', ok: false, final: true, outcome: 'refused', reason: 'manual output control needs manual mode' })]);
    expect(world.gpio.level(17)).toBe(false); // still on (active-low)

    const mode = submit(c, ['mode'], 'manual');
    await clock.advance(1_000);
    expect(mode.at(-1)).toMatchObject({ ok: true, final: true });
    const off = submit(c, ['output', 'heater'], 'OFF');
    await clock.advance(3_000);
    expect(off[0]).toMatchObject({ ok: true, final: false, outcome: 'accepted' });
    expect(off.at(-1)).toMatchObject({ ok: true, final: true });
    expect(world.gpio.level(17)).toBe(true); // off
    await drive(clock, c.stop());
  });

  it('rejects malformed and disallowed commands at once, and answers what is left at stop', async () => {
    const { c, clock } = await controller();
    expect(submit(c, ['setpoint'], '82')).toEqual([expect.objectContaining({ ok: false, final: true, outcome: 'rejected' })]);
    expect(submit(c, ['feed'], 'PRESS', new Set(['mode']))).toEqual([
      expect.objectContaining({ ok: false, final: true, reason: 'command "feed" is disabled on this controller (http.allowedCommands: mode)' }),
    ]);
    expect(submit(c, ['nonsense'], '1')[0]).toMatchObject({ ok: false, final: true });
    const waiting = submit(c, ['acknowledge'], 'PRESS');
    await drive(clock, c.stop());
    expect(waiting).toEqual([expect.objectContaining({ final: true, ok: false, outcome: 'not-run' })]);
  });

  it('bounds the queue: a flood beyond it is refused, each message answered once', async () => {
    const { c, clock } = await controller();
    const all = Array.from({ length: 40 }, () => submit(c, ['acknowledge'], 'PRESS'));
    const refusedNow = all.filter((r) => r.length === 1 && /queue full/.test(r[0].reason ?? ''));
    expect(refusedNow).toHaveLength(8);
    await clock.advance(10_000);
    for (const r of all) expect(r.filter((x) => x.final)).toHaveLength(1);
    await drive(clock, c.stop());
  });
});
