import { describe, expect, it } from 'vitest';
import { ActuatorComponent } from '../../src/devices/actuator-component.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { FakeSwitch, T0, silentLog } from './fakes.js';

function setup() {
  const clock = new VirtualClock(T0);
  const relay = new FakeSwitch(clock);
  const actuator = new ActuatorComponent({ id: 'heater', enclosureId: 'gecko', kind: 'heater', clock, random: new SeededRandom(3), log: silentLog, startupState: 'off', createDriver: async () => relay });
  return { clock, relay, actuator };
}

describe('ActuatorComponent.apply with nothing to write', () => {
  it('records the new reason at once and writes nothing', async () => {
    const { actuator, relay } = setup();
    await actuator.start();
    const p = actuator.apply({ on: false, reason: 'above setpoint' });
    expect(actuator.state()).toEqual({ on: false, reason: 'above setpoint', verified: true });
    await p;
    expect(relay.writes).toEqual([false]);
  });

  it('waits for a write still running: a command unchanged against the old state is judged after it', async () => {
    const { actuator, relay, clock } = setup();
    await actuator.start();
    relay.setDelayMs = 100;
    const turningOn = actuator.apply({ on: true, reason: 'below setpoint' });
    await clock.advance(10); // the "on" write is in flight now
    const thenOff = actuator.apply({ on: false, reason: 'above setpoint' });
    expect(actuator.state().reason).toBe('startup state');
    await clock.advance(500);
    await Promise.all([turningOn, thenOff]);
    expect(relay.writes).toEqual([false, true, false]);
    expect(actuator.state()).toEqual({ on: false, reason: 'above setpoint', verified: true });
  });

  it('does nothing after stop, as a queued command would', async () => {
    const { actuator, relay } = setup();
    await actuator.start();
    await actuator.stop();
    const writes = relay.writes.length;
    await actuator.apply({ on: false, reason: 'late tick' });
    expect(actuator.state().reason).not.toBe('late tick');
    expect(relay.writes).toHaveLength(writes);
  });
});
