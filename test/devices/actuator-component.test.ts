import { describe, expect, it } from 'vitest';
import { ActuatorComponent, type ActuatorComponentOptions } from '../../src/devices/actuator-component.js';
import type { DimmerDriver, SwitchDriver } from '../../src/drivers/types.js';
import { GpioError } from '../../src/hal/errors.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { FakeDimmer, FakeSwitch, T0, silentLog } from './fakes.js';

const gpioEio = () => new GpioError('EIO', 17, 'write failed');

function setup(drivers: (SwitchDriver | DimmerDriver)[], over: Partial<ActuatorComponentOptions> = {}) {
  const clock = new VirtualClock(T0);
  let creates = 0;
  const actuator = new ActuatorComponent({
    id: 'heater',
    enclosureId: 'gecko',
    kind: 'heater',
    clock,
    random: new SeededRandom(3),
    log: silentLog,
    startupState: 'off',
    createDriver: async () => drivers[Math.min(creates++, drivers.length - 1)],
    ...over,
  });
  /** Runs `p` while letting `ms` of virtual time pass. */
  const settle = async <T>(p: Promise<T>, ms = 1000): Promise<T> => {
    await clock.advance(ms);
    return p;
  };
  return { clock, actuator, settle, creates: () => creates };
}

const on = { on: true, reason: 'below setpoint' };
const off = { on: false, reason: 'above setpoint' };

describe('ActuatorComponent', () => {
  it('drives the startup state at start and reads it back', async () => {
    const relay = new FakeSwitch();
    const { actuator } = setup([relay]);
    await actuator.start();
    expect(relay.writes).toEqual([false]);
    expect(actuator.state()).toEqual({ on: false, reason: 'startup state', verified: true });
    expect(actuator.health()).toMatchObject({ kind: 'actuator', status: 'healthy', breaker: 'closed' });
  });

  it('writes on change only: an unchanged command writes nothing', async () => {
    const relay = new FakeSwitch();
    const { actuator } = setup([relay]);
    await actuator.start();
    await actuator.apply(on);
    await actuator.apply(on);
    await actuator.apply({ on: true, reason: 'still below setpoint' });
    expect(relay.writes).toEqual([false, true]);
    expect(actuator.state()).toEqual({ on: true, reason: 'still below setpoint', verified: true });
    await actuator.apply(off);
    expect(relay.writes).toEqual([false, true, false]);
  });

  it('says verified is undefined when the backend cannot read back', async () => {
    const relay = new FakeSwitch();
    relay.canReadBack = false;
    const { actuator } = setup([relay]);
    await actuator.start();
    await actuator.apply(on);
    expect(actuator.state()).toEqual({ on: true, reason: 'below setpoint', verified: undefined });
  });

  it('retries a transient write error and reports degraded', async () => {
    const relay = new FakeSwitch();
    const { actuator, settle } = setup([relay]);
    await actuator.start();
    let failures = 1;
    relay.failSet = () => (failures-- > 0 ? gpioEio() : undefined);
    await settle(actuator.apply(on));
    expect(relay.writes).toEqual([false, true]);
    expect(actuator.state().verified).toBe(true);
    expect(actuator.health()).toMatchObject({ status: 'degraded', counters: { retries: 1 } });
  });

  it('says so in state() when a write failed', async () => {
    const relay = new FakeSwitch();
    const { actuator, settle } = setup([relay]);
    await actuator.start();
    relay.failSet = (v) => (v ? gpioEio() : undefined);
    await settle(actuator.apply(on));
    const s = actuator.state();
    expect(s.on).toBe(false);
    expect(s.verified).toBe(false);
    expect(s.reason).toBe('write on failed, believed still off: RETRY_EXHAUSTED: 3 attempts failed, last: GPIO_IO: GPIO17: write failed (EIO)');
  });

  it('marks the actuator failed when the read-back disagrees, without retrying', async () => {
    const relay = new FakeSwitch();
    const { actuator } = setup([relay]);
    await actuator.start();
    await actuator.apply(on);
    relay.readsBackOn = true; // welded relay / line held high
    await actuator.apply(off);
    expect(relay.writes).toEqual([false, true, false]); // one off write, not retried
    expect(actuator.state()).toEqual({ on: true, reason: 'wrote off but read back on (above setpoint)', verified: false });
    expect(actuator.health().status).toBe('failed');
    expect(actuator.health().reason).toBe('permanent: write off: ACTUATOR_READBACK_MISMATCH: heater: wrote off, read back on');
  });

  it('forceOff goes through while the breaker is open', async () => {
    const relay = new FakeSwitch();
    const { actuator, settle } = setup([relay], { breaker: { failureThreshold: 3, resetTimeoutMs: 60_000, maxResetTimeoutMs: 60_000 } });
    await actuator.start();
    relay.failSet = (v) => (v ? gpioEio() : undefined);
    for (let i = 0; i < 3; i++) await settle(actuator.apply(on));
    expect(actuator.health()).toMatchObject({ status: 'failed', breaker: 'open' });
    relay.output = true; // say the last failed write left the relay closed
    const writesBefore = relay.writes.length;
    await settle(actuator.apply(on));
    expect(relay.writes.length).toBe(writesBefore); // the breaker refuses on writes
    expect(await settle(actuator.forceOff('over-temperature cutoff'))).toBe(true);
    expect(relay.writes.at(-1)).toBe(false);
    expect(relay.output).toBe(false);
    expect(actuator.state()).toEqual({ on: false, reason: 'over-temperature cutoff', verified: true });
    expect(actuator.health().breaker).toBe('open');
  });

  it('an off command bypasses the open breaker too', async () => {
    const relay = new FakeSwitch();
    const { actuator, settle } = setup([relay], { breaker: { failureThreshold: 2, resetTimeoutMs: 60_000, maxResetTimeoutMs: 60_000 } });
    await actuator.start();
    relay.failSet = (v) => (v ? gpioEio() : undefined);
    await settle(actuator.apply(on));
    await settle(actuator.apply(on));
    expect(actuator.health().breaker).toBe('open');
    relay.output = true;
    await settle(actuator.apply(off));
    expect(relay.output).toBe(false);
    expect(actuator.state()).toMatchObject({ on: false, verified: true });
  });

  it('forceOff re-creates a driver that failed to initialise', async () => {
    const broken = new FakeSwitch();
    broken.initError = new GpioError('EBUSY', 17, 'line busy');
    broken.failSet = () => new GpioError('EIO', 17, 'not open');
    const good = new FakeSwitch();
    const { actuator, settle, creates } = setup([broken, good], { retry: { attempts: 1 } });
    await settle(actuator.start());
    expect(actuator.health().status).toBe('failed');
    expect(await settle(actuator.forceOff())).toBe(true);
    expect(creates()).toBe(2);
    expect(good.writes).toEqual([false]);
    expect(actuator.state()).toMatchObject({ on: false, verified: true });
  });

  it('re-opens an output whose off write failed at its off startup level, then re-writes the unchanged command while unhealthy, until healthy again', async () => {
    const relay = new FakeSwitch();
    const { actuator, settle } = setup([relay]);
    await actuator.start();
    await actuator.apply(on);
    let failures = 3;
    relay.failSet = () => (failures-- > 0 ? gpioEio() : undefined);
    await settle(actuator.apply(off)); // fails 3 times: re-opened at once at its off startup level
    expect(actuator.health().status).toBe('degraded');
    expect(relay.inits).toBe(2);
    expect(actuator.state()).toMatchObject({ on: false, verified: true });
    await settle(actuator.apply(off)); // write again (still recovering)
    await settle(actuator.apply(off)); // write again (still recovering)
    await settle(actuator.apply(off)); // third clean success: healthy
    expect(actuator.health()).toMatchObject({ status: 'healthy', counters: { recoveries: 1 } });
    const writes = relay.writes.length;
    await settle(actuator.apply(off));
    expect(relay.writes.length).toBe(writes);
  });

  it('drops commands issued before a forceOff and applies only the latest queued one', async () => {
    const clock = new VirtualClock(T0);
    const relay = new FakeSwitch(clock);
    const { actuator } = setup([relay], { clock });
    await actuator.start();
    relay.setDelayMs = 500;
    const first = actuator.apply({ on: true, reason: 'first' });
    await clock.advance(100); // first is now writing
    const second = actuator.apply({ on: false, reason: 'second' }); // queued
    const third = actuator.apply({ on: true, reason: 'third' }); // replaces the queued one
    const forced = actuator.forceOff('safety');
    await clock.advance(5000);
    await Promise.all([first, second, third]);
    expect(await forced).toBe(true);
    expect(relay.writes).toEqual([false, true, false]);
    expect(actuator.state()).toMatchObject({ on: false, reason: 'safety' });
    const after = actuator.apply({ on: true, reason: 'after the force-off' });
    await clock.advance(1000);
    await after;
    expect(relay.writes).toEqual([false, true, false, true]);
  });

  it('treats a dimmer level change as a change and an equal level as none', async () => {
    const dimmer = new FakeDimmer();
    const { actuator } = setup([dimmer], { kind: 'light' });
    await actuator.start();
    await actuator.apply({ on: true, level: 0.5, reason: 'dawn' });
    await actuator.apply({ on: true, level: 0.5, reason: 'dawn' });
    await actuator.apply({ on: true, level: 0.7, reason: 'dawn' });
    await actuator.apply({ on: true, level: 0, reason: 'zero is off' });
    expect(dimmer.levels).toEqual([0.5, 0.7]);
    expect(dimmer.writes).toEqual([false, false]);
    expect(actuator.state()).toEqual({ on: false, level: 0, reason: 'zero is off', verified: true });
  });

  it('restart() closes the driver, re-creates and re-initialises it and drives the startup state', async () => {
    const a = new FakeSwitch();
    const b = new FakeSwitch();
    const { actuator, creates } = setup([a, b], { kind: 'cutoff', startupState: 'on' });
    await actuator.start();
    expect(a.writes).toEqual([true]);
    expect(await actuator.restart()).toBe(true);
    expect(a.closes).toBe(1);
    expect(creates()).toBe(2);
    expect(b.inits).toBe(1);
    expect(b.writes).toEqual([true]);
    expect(actuator.state()).toMatchObject({ on: true, verified: true });
  });

  it('stop() drives off and closes the driver', async () => {
    const relay = new FakeSwitch();
    const { actuator } = setup([relay]);
    await actuator.start();
    await actuator.apply(on);
    await actuator.stop();
    expect(relay.writes).toEqual([false, true, false]);
    expect(relay.closes).toBe(1);
    await actuator.apply(on);
    expect(relay.writes).toEqual([false, true, false]);
  });
});
