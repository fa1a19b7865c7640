import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportJson } from '../../simulators/report/report-json.js';
import { type Scenario, ScenarioSchema } from '../../simulators/scenario.js';
import type { SimWorld } from '../../simulators/sim-world.js';
import { createSimStateDir } from '../../simulators/sim-state-dir.js';
import { ENCLOSURE, HEATER_LINE, referenceConfig, runScenario } from './support.js';

/**
 * The process-level fault kinds on the reference enclosure (heater relay on BCM 17, active-low):
 * power cut, a full or read-only state directory, an event-loop hang with and without systemd's
 * watchdog kill, and a person's commands. Runs start at 2026-06-01 00:00 UTC; faults come at 01:00,
 * well after the ~7 min warm-up.
 */

const HOUR = 3_600_000;
const AT = Date.parse('2026-06-01T01:00:00Z');

function scenario(name: string, events: unknown[]): Scenario {
  return ScenarioSchema.parse({ name, description: name, days: 1, events });
}

/** Reads, at wall time `at`, what the world's outputs do (a probe armed on the first tick). */
function probeAt(at: number, read: (world: SimWorld) => void): (outcomes: unknown, world: SimWorld) => void {
  let armed = false;
  return (_o, world) => {
    if (armed) return;
    armed = true;
    world.clock.setTimeout(() => read(world), at - world.clock.now());
  };
}

describe('power cut', () => {
  it('de-energises every output while the mains is gone, then boots a new controller on the files as they were and resumes control', async () => {
    const during: Array<{ level: boolean | undefined; heating: boolean | undefined; open: boolean }> = [];
    const probe = probeAt(AT + 10 * 60_000, (w) => during.push({ level: w.gpio.level(HEATER_LINE), heating: w.enclosures.get(ENCLOSURE)?.physics.heaterIsHeating('heater'), open: w.gpio.isOpen(HEATER_LINE) }));
    let heaterOnAfter = false;
    const run = await runScenario('power-cut', {
      scenario: scenario('power-cut', [{ at: '1h', fault: { kind: 'power-cut', downtime: '20m' } }]),
      days: 2 / 24,
      onTick: ([oc], world) => {
        probe(oc, world);
        if (oc.snapshot.at > AT + 20 * 60_000 && oc.snapshot.actuators.heater.on) heaterOnAfter = true;
      },
    });
    // Ten minutes into the cut: the relay line is undriven (the Pi is off), the element unpowered.
    expect(during).toEqual([{ level: undefined, heating: false, open: false }]);
    expect(run.controllers).toHaveLength(2);
    const json = reportJson(run.result.report);
    const e = json.enclosures[0];
    const down = e.modeTimeline.find((m) => m.mode === 'down');
    expect(down?.from).toBe('2026-06-01T01:00:00.000Z');
    expect(down?.seconds).toBeGreaterThanOrEqual(1200);
    expect(down?.seconds).toBeLessThan(1205);
    // The cut is reported like a fault: the new controller latches unclean-stop (degraded until acknowledged).
    expect(e.modeTimeline.at(-1)?.mode).toBe('degraded');
    expect(run.result.events.some((x) => x.event.type === 'fault' && x.event.fault.kind === 'unclean-stop')).toBe(true);
    // The enclosure cooled without heat and the new controller heated it again.
    expect(heaterOnAfter).toBe(true);
    expect(json.injected[0]).toMatchObject({ kind: 'power-cut', clearedAt: expect.stringMatching(/^2026-06-01T01:20:/), touches: { scope: 'process', all: true } });
    expect(json.injected[0].recovery?.seconds).not.toBeNull();
    expect(e.safetyViolations).toEqual([]);
    expect(run.uncontrolledHeat).toEqual([]);
  });
});

describe.each([
  ['disk-full', 'ENOSPC'],
  ['state-readonly', 'EROFS'],
])('%s', (kind) => {
  it('keeps controlling while every state write fails, and writes the state again once the directory is writable', async () => {
    const dir = createSimStateDir('terrarium-disk-');
    const file = `${dir.dir}/state.json`;
    const mtimes: Array<{ at: number; mtimeMs: number }> = [];
    let lastCheck = 0;
    try {
      const run = await runScenario(kind, {
        scenario: scenario(kind, [{ at: '1h', duration: '30m', fault: { kind } }]),
        days: 2 / 24,
        stateDir: dir.dir,
        onTick: ([oc]) => {
          if (oc.snapshot.at - lastCheck < 60_000) return;
          lastCheck = oc.snapshot.at;
          mtimes.push({ at: oc.snapshot.at, mtimeMs: statSync(file).mtimeMs });
        },
      });
      const during = mtimes.filter((m) => m.at > AT + 60_000 && m.at < AT + 30 * 60_000);
      const after = mtimes.filter((m) => m.at > AT + 31 * 60_000);
      // Nothing reached the disk during the fault; the state was written again after it.
      expect(new Set(during.map((m) => m.mtimeMs)).size).toBe(1);
      expect(Math.max(...after.map((m) => m.mtimeMs))).toBeGreaterThan(during[0].mtimeMs);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('enclosures');
      // Control went on: a tick every second through the fault, the air in band, no safety violation.
      const e = run.result.report.enclosures[0];
      expect(e.ticks).toBeGreaterThan(2 * 3600 - 60);
      expect(e.temperature.timeInBandPct).toBeGreaterThan(95);
      expect(e.safetyViolations).toEqual([]);
      expect(run.uncontrolledHeat).toEqual([]);
      expect(run.controllers).toHaveLength(1);
    } finally {
      dir.remove();
    }
  });
});

describe('a feed slot while the state directory is read-only', () => {
  it('skips the feed aloud (no dispense, a feed-skipped event with the reason) and control goes on; no late second feed', async () => {
    const dir = createSimStateDir('terrarium-feed-ro-');
    try {
      // Monday 18:00 Europe/Berlin (16:00 UTC) is a leopard gecko feeding slot; the disk refuses writes 15:50-16:30 UTC.
      const run = await runScenario('feed-readonly', {
        scenario: scenario('feed-readonly', [{ at: '950m', duration: '40m', fault: { kind: 'state-readonly' } }]),
        days: 20 / 24,
        stateDir: dir.dir,
      });
      const feeds = run.result.events.filter((e) => e.event.type === 'feed' || e.event.type === 'feed-skipped').map((e) => e.event);
      expect(feeds).toHaveLength(1);
      expect(feeds[0]).toMatchObject({ type: 'feed-skipped', reason: expect.stringMatching(/could not be recorded on disk.*EROFS.*not feeding/) });
      const e = run.result.report.enclosures[0];
      expect(e.feeds).toEqual([]);
      expect(e.ticks).toBeGreaterThan(20 * 3600 - 60);
      expect(e.safetyViolations).toEqual([]);
    } finally {
      dir.remove();
    }
  });
});

describe('process hang', () => {
  it('runs no tick while the event loop is stalled for 30 s, then catches up late without a restart (under the watchdog deadline)', async () => {
    const run = await runScenario('hang-30s', { scenario: scenario('hang-30s', [{ at: '1h', fault: { kind: 'process-hang', duration: '30s' } }]), days: 1.5 / 24 });
    const json = reportJson(run.result.report);
    expect(run.controllers).toHaveLength(1);
    const ticksDuring = run.result.report.enclosures[0].ticks;
    expect(ticksDuring).toBeLessThan(1.5 * 3600 - 25);
    const t = json.tickTiming;
    expect(t?.latenessMs.max).toBeGreaterThanOrEqual(29_000);
    expect(t?.latenessMs.max).toBeLessThanOrEqual(31_000);
    expect(t?.skippedPeriods).toBeGreaterThanOrEqual(29);
    expect(t?.latenessMs.p50).toBe(0);
    const hung = json.enclosures[0].modeTimeline.find((m) => m.mode === 'hung');
    expect(hung?.from).toBe('2026-06-01T01:00:00.000Z');
    expect(hung?.seconds).toBeGreaterThanOrEqual(30);
    expect(hung?.seconds).toBeLessThan(31.5);
    expect(json.injected[0].recovery?.seconds).toBeLessThanOrEqual(30);
  });

  it('is killed by the watchdog within 60 s when the stall lasts 5 min: outputs driven off by safe-outputs, a new process 10 s later', async () => {
    const seen: Array<{ level: boolean | undefined; heating: boolean | undefined }> = [];
    // 70 s in: the watchdog deadline (at most 60 s after the stall began) has passed.
    const probe = probeAt(AT + 70_000, (w) => seen.push({ level: w.gpio.level(HEATER_LINE), heating: w.enclosures.get(ENCLOSURE)?.physics.heaterIsHeating('heater') }));
    const run = await runScenario('hang-5m', {
      scenario: scenario('hang-5m', [{ at: '1h', fault: { kind: 'process-hang', duration: '5m' } }]),
      days: 1.5 / 24,
      onTick: ([oc], world) => probe(oc, world),
    });
    expect(run.controllers).toHaveLength(2);
    // Active-low relay: a high line is off.
    expect(seen).toEqual([{ level: true, heating: false }]);
    const json = reportJson(run.result.report);
    const modes = json.enclosures[0].modeTimeline;
    const hungAt = modes.findIndex((m) => m.mode === 'hung');
    // The kill is reported like a fault: the new process latches unclean-stop (degraded until acknowledged).
    expect(modes.slice(hungAt, hungAt + 3).map((m) => m.mode)).toEqual(['hung', 'down', 'degraded']);
    // Keep-alives every 20 s from start-up: the last before 01:00 was at most 20 s earlier, so the kill came 40-60 s in.
    expect(modes[hungAt].seconds).toBeGreaterThanOrEqual(40);
    expect(modes[hungAt].seconds).toBeLessThanOrEqual(60);
    expect(modes[hungAt + 1].seconds).toBeGreaterThanOrEqual(10);
    expect(modes[hungAt + 1].seconds).toBeLessThan(15);
    expect(json.injected[0].recovery?.seconds).not.toBeNull();
  });
});

describe('operator', () => {
  it("applies a person's commands at their times through the command sink, with the result in the report", async () => {
    const setpoints: Array<{ at: number; setpointC: number; overridden: boolean; mode: string }> = [];
    const run = await runScenario('operator', {
      scenario: scenario('operator', [
        { at: '1h', fault: { kind: 'operator', command: 'setpoint', valueC: 30, durationMinutes: 30 } },
        { at: '70m', fault: { kind: 'operator', command: 'output', actuator: 'heater', on: true } },
        { at: '80m', fault: { kind: 'operator', command: 'clear-setpoint' } },
      ]),
      days: 1.5 / 24,
      onTick: ([oc]) => {
        const s = oc.snapshot;
        if (s.at % 60_000 < 1000) setpoints.push({ at: s.at, setpointC: s.setpointC, overridden: s.setpointOverridden, mode: s.mode });
      },
    });
    const json = reportJson(run.result.report);
    expect(json.injected.map((i) => i.fields.result)).toEqual([
      { ok: true, detail: 'setpoint 30 °C until 2026-06-01T01:30:00.000Z' },
      { ok: false, reason: 'manual output control needs manual mode' },
      { ok: true },
    ]);
    const at = (t: number) => setpoints.find((p) => p.at >= t);
    expect(at(AT - 60_000)).toMatchObject({ overridden: false });
    expect(at(AT + 5 * 60_000)).toMatchObject({ setpointC: 30, overridden: true, mode: 'normal' });
    expect(at(AT + 21 * 60_000)).toMatchObject({ overridden: false });
    expect(json.injected[0].touches).toMatchObject({ scope: 'enclosure', components: { gecko: expect.arrayContaining(['heater', 'air']) } });
    expect(run.endAt).toBeGreaterThan(AT + 0.4 * HOUR);
  });
});
