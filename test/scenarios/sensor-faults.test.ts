import { describe, expect, it } from 'vitest';
import { clearedFaults, episodes, faultKinds, modeSequence, RECOVERY_TARGET_MS, runScenario, type ScenarioRun, unmetExpectations } from './support.js';

/**
 * Sensor fault scenarios on the reference enclosure (BME280 `air` + DS18B20 `probe`),
 * each run on the real controller in virtual time for 0.2 simulated days (faults start at 03:00,
 * after warm-up, and are over well before the end): no safety violation, the expected modes,
 * transient faults recovered automatically within 30 s of clearing, permanent ones latched for a
 * person, and the heater never on without a trustworthy reading or the fallback duty.
 */

const DAYS = 0.2;

/** The checks every scenario shares. */
function expectSafeAndAsDeclared(run: ScenarioRun): void {
  expect(unmetExpectations(run)).toEqual([]);
  expect(run.result.report.enclosures[0].safetyViolations).toEqual([]);
  expect(run.uncontrolledHeat).toEqual([]);
}

/** Healthy at the end of the run, and no process restart was needed for it. */
function expectRecoveredInPlace(run: ScenarioRun, device: string): void {
  expect(run.controllers).toHaveLength(1);
  expect(run.controllers[0].health().find((h) => h.id === device)?.status).toBe('healthy');
  expect(modeSequence(run).at(-1)).toBe('normal');
}

describe('transient I2C faults on the BME280', () => {
  it('absorbs 1 % and 10 % error bursts with retries and recovers from a 100 % burst within 30 s', async () => {
    const run = await runScenario('i2c-error-bursts', { days: DAYS });
    expectSafeAndAsDeclared(run);
    const [one, ten, all] = clearedFaults(run);
    // Retries absorb 1 % and 10 %: no recovery episode, no mode change while they last.
    expect(one.episodes).toEqual([]);
    expect(ten.episodes).toEqual([]);
    expect(run.result.modes.filter((m) => m.at >= one.from && m.at < all.from)).toEqual([]);
    // 100 %: the breaker opens, the ladder resets and restarts, the heater follows the probe meanwhile.
    expect(all.episodes).toHaveLength(1);
    expect(all.episodes[0].outcome).toBe('recovered');
    expect(all.episodes[0].steps.slice(0, 2)).toEqual(['reset:failed', 'restart:failed']);
    expect(all.recoveryMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
    expect(modeSequence(run)).toEqual(['normal', 'degraded', 'normal']);
    expectRecoveredInPlace(run, 'air');
  });

  it('recovers from a 2-minute disconnect within 30 s, back to healthy and normal without a restart, the probe standing in meanwhile', async () => {
    const probeTicks: number[] = [];
    const run = await runScenario('bme280-disconnect-2min', {
      days: DAYS,
      onTick: ([oc]) => {
        if (oc.snapshot.temperature?.sensorId === 'probe') probeTicks.push(oc.snapshot.at);
      },
    });
    expectSafeAndAsDeclared(run);
    const [cut] = clearedFaults(run);
    expect(cut.clearedAt - cut.from).toBe(120_000);
    expect(cut.episodes).toHaveLength(1);
    expect(cut.episodes[0].outcome).toBe('recovered');
    expect(cut.recoveryMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
    // The temperature came from the secondary probe only while the air sensor was out.
    expect(probeTicks.length).toBeGreaterThan(60);
    expect(Math.min(...probeTicks)).toBeGreaterThanOrEqual(cut.from);
    expect(Math.max(...probeTicks)).toBeLessThanOrEqual(cut.clearedAt + RECOVERY_TARGET_MS);
    expect(modeSequence(run)).toEqual(['normal', 'degraded', 'normal']);
    expect(run.health.get('air')?.map((c) => c.status)).toEqual(['healthy', 'degraded', 'failed', 'degraded', 'healthy']);
    expectRecoveredInPlace(run, 'air');
  });

  it('rides out a slow bus without failing the sensor, and recovers within 30 s from transfers that time out', async () => {
    let lastTick: number | null = null;
    let longestGapMs = 0;
    const run = await runScenario('i2c-slow-timeouts', {
      days: DAYS,
      onTick: ([oc]) => {
        if (lastTick !== null) longestGapMs = Math.max(longestGapMs, oc.snapshot.at - lastTick);
        lastTick = oc.snapshot.at;
      },
    });
    expectSafeAndAsDeclared(run);
    const [slow, stalled] = clearedFaults(run);
    expect(slow.episodes).toEqual([]);
    expect(run.result.modes.filter((m) => m.at >= slow.from && m.at < stalled.from)).toEqual([]);
    expect(stalled.episodes).toHaveLength(1);
    expect(stalled.episodes[0].outcome).toBe('recovered');
    expect(stalled.recoveryMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
    // A stalled bus delays a tick by at most the sample's retry budget (3 attempts of 2 s plus backoff).
    expect(longestGapMs).toBeLessThanOrEqual(8_000);
    expectRecoveredInPlace(run, 'air');
  });

  // Most random bursts fail the BME280's range checks; one whose three quantities all land in
  // range passes as a reading (no rate-of-change check, medianOf 1 by default): with this seed a
  // 15.8 °C sample raises a transient under-temperature fault for a tick. Nothing latches.
  it('rejects random bytes from a noisy bus without latching a heat fault, and recovers within 30 s', async () => {
    const run = await runScenario('i2c-garbage', { days: DAYS });
    expectSafeAndAsDeclared(run);
    const [noise] = clearedFaults(run);
    expect(noise.episodes).toHaveLength(1);
    expect(noise.episodes[0].outcome).toBe('recovered');
    expect(noise.recoveryMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
    const kinds = faultKinds(run);
    for (const k of ['over-temperature', 'thermal-runaway', 'heater-no-heat', 'stuck-relay']) expect(kinds.has(k)).toBe(false);
    expect(modeSequence(run)).toEqual(['normal', 'degraded', 'normal']);
    expectRecoveredInPlace(run, 'air');
  });

  // Until the 30 min are up the thermostat trusts the frozen value (it froze just below the night
  // setpoint, so the heater runs on and the air overshoots by about 7 °C, inside the limits).
  it('flags a frozen BME280 as stuck after 30 min, heats on the probe, and recovers within 30 s once it delivers again', async () => {
    const run = await runScenario('bme280-stuck-value', { days: DAYS });
    expectSafeAndAsDeclared(run);
    const [frozen] = clearedFaults(run);
    const stuck = run.result.events.find((e) => e.event.type === 'fault' && e.event.fault.kind === 'sensor-stuck');
    expect(stuck).toBeDefined();
    const stuckAt = stuck?.event.type === 'fault' ? stuck.event.fault.at : 0;
    // stuckAfterMinutes 30 (config default): the first identical raw sample is the one just before the freeze.
    expect(stuckAt - frozen.from).toBeGreaterThanOrEqual(29 * 60_000);
    expect(stuckAt - frozen.from).toBeLessThanOrEqual(31 * 60_000);
    expect(frozen.episodes).toHaveLength(1);
    expect(frozen.episodes[0].outcome).toBe('recovered');
    expect(frozen.recoveryMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
    expectRecoveredInPlace(run, 'air');
  });
});

describe('permanent sensor faults', () => {
  it('meets a wrong chip id on every re-init, keeps heating on the probe, and latches the sensor for a person after 30 min in fallback', async () => {
    const run = await runScenario('bme280-wrong-chip-id', { days: DAYS });
    expectSafeAndAsDeclared(run);
    const [ep] = episodes(run.result.recoveries);
    expect(ep.component).toBe('air');
    expect(ep.outcome).toBe('manual');
    expect(ep.steps[0]).toBe('reset:failed');
    expect(ep.steps.every((s) => s.endsWith(':failed'))).toBe(true);
    // manualAfterMs: 30 min in fallback, which starts after the reset (5 s) and the first restart (5 s).
    expect((ep.endedAt as number) - ep.detectedAt).toBeGreaterThanOrEqual(30 * 60_000);
    expect((ep.endedAt as number) - ep.detectedAt).toBeLessThanOrEqual(31 * 60_000);
    const air = run.controllers[0].health().find((h) => h.id === 'air');
    expect(air?.status).toBe('failed');
    expect(air?.lastError).toMatch(/chip id 0x58/);
    const latched = run.controllers[0].runtime('gecko')?.snapshot()?.faults.find((f) => f.kind === 'component-failed');
    expect(latched).toMatchObject({ component: 'air', latched: true });
    expect(modeSequence(run)).toEqual(['normal', 'degraded']);
  });

  it('keeps heating on the air sensor when the probe is gone for good, and latches the probe for a person', async () => {
    const run = await runScenario('probe-absent', { days: DAYS });
    expectSafeAndAsDeclared(run);
    const [ep] = episodes(run.result.recoveries);
    expect(ep.component).toBe('probe');
    expect(ep.outcome).toBe('manual');
    expect(ep.fault).toMatch(/ENOENT/);
    expect(run.heaterRelayOnTicks).toBeGreaterThan(0);
    expect(modeSequence(run)).toEqual(['normal', 'degraded']);
  });
});

describe('DS18B20 data faults', () => {
  it('never uses a corrupted or power-on (85 °C) scratchpad, and recovers within 30 s of each fault', async () => {
    let hottestC = Number.NEGATIVE_INFINITY;
    const run = await runScenario('probe-crc-and-power-on', {
      days: DAYS,
      onTick: ([oc]) => {
        const t = oc.snapshot.temperature;
        if (t?.quality === 'ok' && t.value !== null) hottestC = Math.max(hottestC, t.value);
      },
    });
    expectSafeAndAsDeclared(run);
    const [crc, powerOn] = clearedFaults(run);
    for (const c of [crc, powerOn]) {
      expect(c.episodes).toHaveLength(1);
      expect(c.episodes[0].outcome).toBe('recovered');
      expect(c.recoveryMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
    }
    expect(crc.episodes[0].fault).toMatch(/CRC/i);
    expect(powerOn.episodes[0].fault).toMatch(/85|power-on/i);
    expect(hottestC).toBeLessThan(30);
    expect(faultKinds(run).has('over-temperature')).toBe(false);
    expect(modeSequence(run)).toEqual(['normal', 'degraded', 'normal', 'degraded', 'normal']);
    expectRecoveredInPlace(run, 'probe');
  });
});
