import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src/app/enclosure-runtime.js';
import { type Scenario, ScenarioSchema } from '../../simulators/scenario.js';
import { DEFAULT_LADDER } from '../../src/supervisor/recovery-ladder.js';
import { ENCLOSURE, episodes, faultKinds, modeSequence, RECOVERY_TARGET_MS, runScenario, unmetExpectations } from './support.js';

/**
 * Process crashes, clock steps and latched faults across restarts on the
 * reference enclosure. The gecko profile feeds at 18:00 Europe/Berlin on Mondays and Thursdays;
 * the simulation starts on Monday 2026-06-01 00:00 UTC, so the feed is due at 16:00 UTC.
 */

const FEED_AT = Date.parse('2026-06-01T16:00:00Z');

describe('crash and restart', () => {
  it('does not feed a second time after a crash one second into the feed, and keeps control through both crashes', async () => {
    const run = await runScenario('crash-restart', { days: 0.7 });
    expect(unmetExpectations(run)).toEqual([]);
    const enc = run.result.report.enclosures[0];
    expect(enc.safetyViolations).toEqual([]);
    expect(run.uncontrolledHeat).toEqual([]);
    // Both crashes happened, each followed by a new controller on the same state directory.
    expect(run.controllers).toHaveLength(3);
    // The second crash comes 1 s into the feed, with the servo hatch open (openMs 1500).
    expect(run.result.faultWindows[1].from).toBe(FEED_AT + 1000);
    expect(enc.feeds).toHaveLength(1);
    expect(enc.feeds[0].at - FEED_AT).toBeGreaterThanOrEqual(0);
    expect(enc.feeds[0].at - FEED_AT).toBeLessThan(1000);
    // The feed was decided (and lastFedAt persisted) before the crash; the new process saw it.
    expect(enc.feeds[0].reason).toBe('scheduled');
    expect(run.result.events.filter((e) => e.event.type === 'feed')).toHaveLength(1);
    expect(run.controllers[2].state.get().enclosures[ENCLOSURE].feeding.feeder.lastFedAt).toBe(enc.feeds[0].at);
    // The hatch the crash left open is closed again: servo channel 0 of the PCA9685 at 0x40 is back
    // at closedUs 1000 µs of the 20 ms period (LED0_OFF = 1000 / 20000 * 4096 = 204.8 -> 205 counts).
    const off = await run.result.world.buses.get(1)?.readBlock(0x40, 0x08, 2);
    expect(off && (off[0] | ((off[1] & 0x0f) << 8))).toBe(205);
    // Each crash is reported like a fault: latched unclean-stop (mode degraded until acknowledged).
    expect(modeSequence(run)).toEqual(['normal', 'degraded']);
    const unclean = run.result.events.filter((e) => e.event.type === 'fault' && e.event.fault.kind === 'unclean-stop');
    expect(unclean.length).toBeGreaterThanOrEqual(1);
    expect(unclean[0].event.type === 'fault' && unclean[0].event.fault.component).toBe('controller');
  });
});

describe('clock jumps', () => {
  it('feeds exactly once when the clock steps +1 h before the feed and -1 h after it, and no interlock fires from the steps', async () => {
    const run = await runScenario('clock-jump', { days: 0.7 });
    expect(unmetExpectations(run)).toEqual([]);
    const enc = run.result.report.enclosures[0];
    expect(enc.safetyViolations).toEqual([]);
    expect(enc.feeds).toHaveLength(1);
    // With wall = monotonic + 1 h after the first step, 18:00 local arrives at 15:00 monotonic;
    // after the -1 h step 18:00 local comes round again, and must not feed.
    expect(new Date(enc.feeds[0].at).toISOString().slice(11, 16)).toBe('16:00');
    const [plus, minus] = run.result.faultWindows;
    expect(enc.feeds[0].at).toBeGreaterThan(plus.from);
    expect(enc.feeds[0].at).toBeLessThan(minus.from);
    expect(run.endAt).toBeGreaterThan(FEED_AT + 30 * 60_000);
    // The step back is reported (scheduled feeding paused for the hour the clock is behind); no interlock fires.
    expect([...faultKinds(run)]).toEqual(['clock-implausible']);
    const told = run.result.events.filter((e) => e.event.type === 'fault' || e.event.type === 'fault-cleared').map((e) => e.event);
    expect(told.map((e) => e.type)).toEqual(['fault', 'fault-cleared']);
    expect((told[1] as { at: number }).at - (told[0] as { fault: { at: number } }).fault.at).toBeLessThanOrEqual(3_600_000 + 2_000);
    expect(modeSequence(run)).toEqual(['normal']);
  });

  it('reports a crash loop: six unclean restarts within an hour latch unclean-stop and, from the fifth, crash-loop, and control resumes each time', async () => {
    const run = await runScenario('crash-loop', { days: 0.25 });
    expect(unmetExpectations(run)).toEqual([]);
    expect(run.controllers).toHaveLength(7);
    expect(run.result.report.enclosures[0].safetyViolations).toEqual([]);
    const loop = run.result.events.find((e) => e.event.type === 'fault' && e.event.fault.kind === 'crash-loop');
    expect(loop?.event.type === 'fault' && loop.event.fault).toMatchObject({ component: 'controller', latched: true });
    expect(loop?.event.type === 'fault' && loop.event.fault.message).toMatch(/restarted 5 times within 60 min/);
    // Reported at the fifth restart (03:40 + 20 s), not later.
    expect(loop?.event.type === 'fault' && loop.event.fault.at).toBeLessThan(run.result.faultWindows[4].to as number + 5_000);
    const last = run.controllers.at(-1)?.runtime(ENCLOSURE)?.snapshot();
    expect(last?.faults.filter((f) => f.latched).map((f) => f.kind).sort()).toEqual(['crash-loop', 'unclean-stop']);
  }, 300_000);

  it('feeds once when the clock steps back 11 days ten minutes after the feed, and tells the keeper the clock went back', async () => {
    const run = await runScenario('clock-back-11-days', { days: 0.7 });
    expect(unmetExpectations(run)).toEqual([]);
    const enc = run.result.report.enclosures[0];
    expect(enc.safetyViolations).toEqual([]);
    expect(enc.feeds).toHaveLength(1);
    expect(enc.feeds[0].at - FEED_AT).toBeGreaterThanOrEqual(0);
    expect(enc.feeds[0].at - FEED_AT).toBeLessThan(1000);
    const told = run.result.events.find((e) => e.event.type === 'fault' && e.event.fault.kind === 'clock-implausible');
    expect(told?.event.type === 'fault' && told.event.fault.message).toMatch(/went back/);
    // Reported at the first tick after the step.
    expect(told?.event.type === 'fault' && told.event.fault.at).toBeLessThan(FEED_AT + 10 * 60_000 - 11 * 86_400_000 + 2_000);
    expect(modeSequence(run)).toEqual(['normal']);
  }, 300_000);
});

/** A welded relay latches stuck-relay; the process crashes while the fault is latched. */
const LATCHED_THEN_CRASH: Scenario = ScenarioSchema.parse({
  name: 'stuck-relay-then-crash',
  description: 'stuck-relay latched at about 03:24, relay freed at 04:00, crash-restart at 04:30, acknowledged at 05:30',
  days: 0.25,
  events: [
    { at: '3h', duration: '1h', device: 'heater', fault: { kind: 'relay-stuck-on' } },
    { at: '04:30', fault: { kind: 'crash-restart', downtime: 10 } },
  ],
});

describe('latched faults across a restart', () => {
  it('keeps a latched stuck-relay fault, safe mode and heat lockout across a crash-restart until a person acknowledges it', async () => {
    const ackAt = Date.parse('2026-06-01T05:30:00Z');
    let ack: CommandResult | undefined;
    let ackSentAt = Number.POSITIVE_INFINITY;
    const ticks: Array<{ at: number; mode: string; heaterOn: boolean; latched: string[] }> = [];
    const run = await runScenario(LATCHED_THEN_CRASH.name, {
      scenario: LATCHED_THEN_CRASH,
      onTick: ([oc], _world, controller) => {
        const s = oc.snapshot;
        ticks.push({ at: s.at, mode: s.mode, heaterOn: s.actuators.heater.on, latched: s.faults.filter((f) => f.latched).map((f) => `${f.kind}:${f.component}`) });
        if (ack === undefined && s.at >= ackAt) {
          ack = controller.commands.acknowledge(ENCLOSURE);
          ackSentAt = s.at;
        }
      },
    });
    expect(run.controllers).toHaveLength(2);
    expect(ack).toEqual({ ok: true, detail: 'acknowledged stuck-relay:heater, unclean-stop:controller' });
    const restartedAt = run.result.faultWindows[1].to as number;
    const latchedAt = ticks.find((t) => t.latched.includes('stuck-relay:heater'))?.at as number;
    expect(latchedAt).toBeLessThan(run.result.faultWindows[1].from);
    const beforeAck = ticks.filter((t) => t.at >= restartedAt && t.at <= ackSentAt);
    expect(beforeAck.length).toBeGreaterThan(3000);
    expect(beforeAck.every((t) => t.mode === 'safe' && !t.heaterOn && t.latched.includes('stuck-relay:heater') && t.latched.includes('unclean-stop:controller'))).toBe(true);
    // The acknowledgement clears it at the next tick; the relay works again, so it does not re-latch.
    const afterAck = ticks.filter((t) => t.at > ackSentAt);
    expect(afterAck[0].mode).toBe('normal');
    expect(afterAck.every((t) => t.latched.length === 0)).toBe(true);
    expect(afterAck.some((t) => t.heaterOn)).toBe(true);
    expect(modeSequence(run)).toEqual(['normal', 'safe', 'normal']);
  });

  it('keeps a component latched for a person as a record across a crash-restart until acknowledged, while restarts go on and bring it back within minutes of its return', async () => {
    const scenario = ScenarioSchema.parse({
      name: 'probe-latched-then-crash',
      description: 'probe gone at 03:00 (latched for a person at about 03:30), crash-restart at 04:00, probe back at 04:15, acknowledged at 04:30',
      days: 0.2,
      events: [
        { at: '3h', duration: '75m', device: 'probe', fault: { kind: 'onewire-absent' } },
        { at: '4h', fault: { kind: 'crash-restart', downtime: 10 } },
      ],
    });
    const ackAt = Date.parse('2026-06-01T04:30:00Z');
    let ack: CommandResult | undefined;
    let ackSentAt = Number.POSITIVE_INFINITY;
    const ticks: Array<{ at: number; latched: boolean }> = [];
    const probeUsedAt: number[] = [];
    const run = await runScenario(scenario.name, {
      scenario,
      onTick: ([oc], _world, controller) => {
        const s = oc.snapshot;
        ticks.push({ at: s.at, latched: s.faults.some((f) => f.kind === 'component-failed' && f.component === 'probe' && f.latched) });
        if (oc.snapshot.health.find((h) => h.id === 'probe')?.status === 'healthy') probeUsedAt.push(s.at);
        if (ack === undefined && s.at >= ackAt) {
          ack = controller.commands.acknowledge(ENCLOSURE);
          ackSentAt = s.at;
        }
      },
    });
    expect(run.controllers).toHaveLength(2);
    expect(ack).toEqual({ ok: true, detail: 'acknowledged component-failed:probe, unclean-stop:controller' });
    const crashAt = run.result.faultWindows[1].from;
    const restartedAt = run.result.faultWindows[1].to as number;
    const probeBack = run.result.faultWindows[0].to as number;
    // Latched before the crash, and on every tick of the new process until the acknowledgement.
    expect(ticks.find((t) => t.latched)?.at).toBeLessThan(crashAt);
    const newProcess = ticks.filter((t) => t.at >= restartedAt && t.at <= ackSentAt);
    expect(newProcess.length).toBeGreaterThan(1700);
    expect(newProcess.every((t) => t.latched)).toBe(true);
    expect(ticks.filter((t) => t.at > ackSentAt && t.latched)).toEqual([]);
    // Restarts go on in the new process (at the slow cadence) and the returned probe is used again
    // within the slow restart interval, long before anyone acknowledges.
    const actions = run.result.recoveries.filter((r) => r.component === 'probe' && r.startedAt > restartedAt && r.startedAt < probeBack && r.strategy === 'restart');
    expect(actions.length).toBeGreaterThan(0);
    expect(probeBack).toBeLessThan(ackAt);
    const usedAgain = probeUsedAt.find((at) => at >= probeBack);
    expect(usedAgain).toBeDefined();
    expect((usedAgain as number) - probeBack).toBeLessThanOrEqual(DEFAULT_LADDER.slowRestartIntervalMs + RECOVERY_TARGET_MS);
    expect(usedAgain as number).toBeLessThan(ackAt);
    expect(modeSequence(run).at(-1)).toBe('normal');
  });
});
