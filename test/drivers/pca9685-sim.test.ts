import { describe, expect, it } from 'vitest';
import { Pca9685Sim } from '../../simulators/devices/pca9685-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

function awake(): { clock: VirtualClock; sim: Pca9685Sim } {
  const clock = new VirtualClock(0);
  const sim = new Pca9685Sim(clock);
  sim.writeRegister(0x00, 0x20); // wake, AI
  return { clock, sim };
}

describe('Pca9685Sim (NXP PCA9685 Rev. 4 register model)', () => {
  it('powers on asleep at PRE_SCALE 0x1E (about 200 Hz) with every channel full OFF', () => {
    const sim = new Pca9685Sim(new VirtualClock(0));
    expect(sim.readRegister(0x00)).toBe(0x11);
    expect(sim.readRegister(0x01)).toBe(0x04);
    expect(sim.readRegister(0xfe)).toBe(0x1e);
    expect(sim.frequencyHz()).toBeCloseTo(196.89, 2); // 25 MHz / (4096 · 31): the datasheet's "200 Hz"
    for (let ch = 0; ch < 16; ch++) expect(sim.dutyCycle(ch)).toBe(0);
  });

  it('ignores PRE_SCALE writes unless SLEEP is set, and forces values below 3 to 3', () => {
    const { sim } = awake();
    sim.writeRegister(0xfe, 121);
    expect(sim.readRegister(0xfe)).toBe(0x1e);
    sim.writeRegister(0x00, 0x30); // sleep
    sim.writeRegister(0xfe, 121);
    expect(sim.readRegister(0xfe)).toBe(121);
    sim.writeRegister(0xfe, 1);
    expect(sim.readRegister(0xfe)).toBe(3);
  });

  it('lets full OFF win over full ON', () => {
    const { sim } = awake();
    [0, 0x10, 0, 0x10].forEach((v, i) => sim.writeRegister(0x06 + i, v));
    expect(sim.dutyCycle(0)).toBe(0);
  });

  it('measures the high time between ON and OFF counts, wrapping at 4096', () => {
    const { sim } = awake();
    [0x00, 0x0f, 0x00, 0x01].forEach((v, i) => sim.writeRegister(0x06 + i, v)); // ON 3840, OFF 256
    expect(sim.dutyCycle(0)).toBe(512 / 4096);
  });

  it('halts running channels on sleep and restarts them only when RESTART is written 500 µs after waking', async () => {
    const { clock, sim } = awake();
    [0, 0, 0, 0x08].forEach((v, i) => sim.writeRegister(0x06 + i, v)); // 50 %
    sim.writeRegister(0x00, 0x30); // sleep with PWM running
    expect(sim.readRegister(0x00) & 0x80).toBe(0x80);
    sim.writeRegister(0x00, 0x20); // wake
    expect(sim.dutyCycle(0)).toBe(0);
    sim.writeRegister(0x00, 0xa0); // too early: the oscillator is not stable yet
    expect(sim.dutyCycle(0)).toBe(0);
    await clock.advance(0.5);
    sim.writeRegister(0x00, 0xa0);
    expect(sim.readRegister(0x00) & 0x80).toBe(0);
    expect(sim.dutyCycle(0)).toBe(0.5);
  });

  it('stops the register pointer when auto-increment is off', () => {
    const { sim } = awake();
    expect(sim.autoIncrement()).toBe(true);
    sim.writeRegister(0x00, 0x00);
    expect(sim.autoIncrement()).toBe(false);
  });

  it('writes every channel through ALL_LED and reads ALL_LED as 0', () => {
    const { sim } = awake();
    [0, 0, 0, 0x04].forEach((v, i) => sim.writeRegister(0xfa + i, v)); // 25 %
    for (let ch = 0; ch < 16; ch++) expect(sim.dutyCycle(ch)).toBe(0.25);
    expect(sim.readRegister(0xfd)).toBe(0);
  });

  it('inverts the output when MODE2.INVRT is set', () => {
    const { sim } = awake();
    [0, 0, 0, 0x04].forEach((v, i) => sim.writeRegister(0x06 + i, v));
    sim.writeRegister(0x01, 0x14);
    expect(sim.dutyCycle(0)).toBe(0.75);
  });
});
