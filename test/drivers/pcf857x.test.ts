import { describe, expect, it } from 'vitest';
import { DriverArgumentError } from '../../src/drivers/errors.js';
import { Pcf857x } from '../../src/drivers/pcf857x.js';
import { RelayOutput } from '../../src/drivers/relay.js';
import { I2cError } from '../../src/hal/errors.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Pcf857xSim } from '../../simulators/devices/pcf857x-sim.js';
import { SimI2cBus } from '../../simulators/i2c-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

function setup(lines: 8 | 16 = 8) {
  const bus = new SimI2cBus(1, new VirtualClock(0), new SeededRandom(1));
  const sim = new Pcf857xSim(lines);
  const sent: number[][] = [];
  bus.attach(0x20, {
    readRegister: () => sim.readRegister(),
    writeRegister: () => sim.writeRegister(),
    receive: (n) => sim.receive(n),
    send: (d) => {
      sent.push([...d]);
      sim.send(d);
    },
  });
  return { bus, sim, sent, chip: new Pcf857x(bus, 0x20, lines === 8 ? 'pcf8574' : 'pcf8575') };
}

describe('PCF8574 / PCF8575 expanders (NXP data sheets)', () => {
  it('writes the whole port in one plain transfer, 0 driving a pin low', async () => {
    const { chip, sim, sent } = setup();
    await chip.init();
    const out = await chip.openOutput(2, false);
    expect(sent).toEqual([[0xfb]]);
    expect(sim.pinLevel(2)).toBe(false);
    await out.write(true);
    expect(sent.at(-1)).toEqual([0xff]);
    expect(await out.read()).toBe(true);
  });

  it('sends P00..P07 then P10..P17 on a PCF8575', async () => {
    const { chip, sim, sent } = setup(16);
    await chip.init();
    await chip.openOutput(9, false);
    expect(sent).toEqual([[0xff, 0xfd]]);
    expect(sim.pinLevel(9)).toBe(false);
  });

  it('keeps input lines released in every write and reads them', async () => {
    const { chip, sim, sent } = setup();
    await chip.init();
    const input = await chip.openInput(5);
    const out = await chip.openOutput(0, false);
    expect(sent.at(-1)).toEqual([0xfe]);
    sim.setExternal(5, false);
    expect(await input.read()).toBe(false);
    await out.write(true);
    expect((sent.at(-1)?.[0] ?? 0) & 0x20).toBe(0x20);
    await expect(chip.openInput(6, 'down')).rejects.toBeInstanceOf(DriverArgumentError);
  });

  it('keeps the outputs as the pins hold them when the controller restarts', async () => {
    const { bus, sim } = setup();
    const first = new Pcf857x(bus, 0x20, 'pcf8574');
    await first.init();
    await first.openOutput(1, false);
    const second = new Pcf857x(bus, 0x20, 'pcf8574');
    await second.init();
    await second.openOutput(3, false);
    expect(sim.pinLevel(1)).toBe(false);
    expect(sim.pinLevel(3)).toBe(false);
  });

  it('drives an active-low relay (HIGH = off, the power-on level) with read-back', async () => {
    const { chip, sim } = setup();
    await chip.init();
    const relay = new RelayOutput(chip, { pin: 4, activeLow: true });
    await relay.init();
    expect(sim.pinLevel(4)).toBe(true);
    await relay.set(true);
    expect(sim.pinLevel(4)).toBe(false);
    expect(await relay.readBack()).toBe(true);
  });

  it('fails init when no chip answers, and refuses lines the chip does not have', async () => {
    const { bus, chip } = setup();
    await expect(new Pcf857x(bus, 0x21, 'pcf8574').init()).rejects.toBeInstanceOf(I2cError);
    await chip.init();
    await expect(chip.openOutput(8, false)).rejects.toBeInstanceOf(DriverArgumentError);
  });
});
