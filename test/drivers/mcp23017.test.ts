import { describe, expect, it } from 'vitest';
import { DriverArgumentError, OutputError } from '../../src/drivers/errors.js';
import { Mcp23017 } from '../../src/drivers/mcp23017.js';
import { RelayOutput } from '../../src/drivers/relay.js';
import { DeviceIdentityError, I2cError } from '../../src/hal/errors.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Mcp23017Sim } from '../../simulators/devices/mcp23017-sim.js';
import { SimI2cBus, type I2cDeviceModel } from '../../simulators/i2c-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const ADDRESS = 0x20;

/** Records register writes, then forwards them to the model. */
class Recorder implements I2cDeviceModel {
  writes: Array<[reg: number, value: number]> = [];
  constructor(readonly inner: I2cDeviceModel) {}
  readRegister(reg: number): number {
    return this.inner.readRegister(reg);
  }
  writeRegister(reg: number, value: number): void {
    this.writes.push([reg, value]);
    this.inner.writeRegister(reg, value);
  }
}

function setup() {
  const bus = new SimI2cBus(1, new VirtualClock(0), new SeededRandom(1));
  const sim = new Mcp23017Sim();
  const recorder = new Recorder(sim);
  bus.attach(ADDRESS, recorder);
  return { bus, sim, recorder, chip: new Mcp23017(bus, ADDRESS) };
}

describe('MCP23017 driver (DS20001952C)', () => {
  it('initialises with the BANK-reset sequence: 0x00 to 0x05, then IOCON 0x0A = 0x00', async () => {
    const { chip, recorder } = setup();
    await chip.init();
    expect(recorder.writes).toEqual([
      [0x05, 0x00],
      [0x0a, 0x00],
    ]);
  });

  it('brings a chip left in BANK = 1 back to BANK = 0', async () => {
    const { chip, sim } = setup();
    sim.writeRegister(0x0a, 0x80); // BANK = 1: IOCON now lives at 0x05
    await chip.init();
    const out = await chip.openOutput(3, true);
    expect(sim.pinLevel(3)).toBe(true);
    expect(await out.read()).toBe(true);
  });

  it('opens an output by writing OLAT before IODIR, so the pin never drives the other level', async () => {
    const { chip, recorder, sim } = setup();
    await chip.init();
    recorder.writes = [];
    await chip.openOutput(9, true); // GPB1
    expect(recorder.writes).toEqual([
      [0x15, 0x02], // OLATB bit 1 high
      [0x01, 0xfd], // IODIRB bit 1 output
    ]);
    expect(sim.isOutput(9)).toBe(true);
    expect(sim.pinLevel(9)).toBe(true);
  });

  it('writes the whole latch from its shadow, leaving the other lines of the port alone', async () => {
    const { chip, sim } = setup();
    await chip.init();
    const a = await chip.openOutput(0, false);
    const b = await chip.openOutput(1, true);
    await a.write(true);
    await b.write(false);
    expect(sim.pinLevel(0)).toBe(true);
    expect(sim.pinLevel(1)).toBe(false);
    expect(sim.readRegister(0x14)).toBe(0x01);
  });

  it('keeps the lines as the chip holds them when the controller restarts', async () => {
    const { bus, sim } = setup();
    const first = new Mcp23017(bus, ADDRESS);
    await first.init();
    await first.openOutput(4, true);
    const second = new Mcp23017(bus, ADDRESS);
    await second.init();
    await second.openOutput(5, true);
    expect(sim.pinLevel(4)).toBe(true);
    expect(sim.pinLevel(5)).toBe(true);
  });

  it('reads inputs with the pull-up, and refuses pull-downs and the output-only GPA7/GPB7', async () => {
    const { chip, sim } = setup();
    await chip.init();
    const input = await chip.openInput(2, 'up');
    expect(await input.read()).toBe(true);
    sim.setExternal(2, false);
    expect(await input.read()).toBe(false);
    await expect(chip.openInput(3, 'down')).rejects.toBeInstanceOf(DriverArgumentError);
    await expect(chip.openInput(7)).rejects.toBeInstanceOf(DriverArgumentError);
    await expect(chip.openInput(15)).rejects.toBeInstanceOf(DriverArgumentError);
  });

  it('refuses a line outside 0..15 and a line opened twice', async () => {
    const { chip } = setup();
    await chip.init();
    await expect(chip.openOutput(16, false)).rejects.toBeInstanceOf(DriverArgumentError);
    await chip.openOutput(1, false);
    await expect(chip.openOutput(1, false)).rejects.toBeInstanceOf(OutputError);
  });

  it('reports a missing chip as an I2C error and a wrong chip as an identity error', async () => {
    const { bus } = setup();
    await expect(new Mcp23017(bus, 0x21).init()).rejects.toBeInstanceOf(I2cError);
    bus.attach(0x22, { readRegister: () => 0xff, writeRegister: () => undefined });
    await expect(new Mcp23017(bus, 0x22).init()).rejects.toBeInstanceOf(DeviceIdentityError);
  });

  it('drives an active-low relay through the relay driver, with read-back', async () => {
    const { chip, sim } = setup();
    await chip.init();
    const relay = new RelayOutput(chip, { pin: 6, activeLow: true, startupState: 'off' });
    await relay.init();
    expect(sim.pinLevel(6)).toBe(true); // off = HIGH on an active-low board
    await relay.set(true);
    expect(sim.pinLevel(6)).toBe(false);
    expect(await relay.readBack()).toBe(true);
    await relay.close();
    expect(sim.pinLevel(6)).toBe(true);
  });

  it('fails a write on a disconnected chip with an I2C error', async () => {
    const { chip, bus } = setup();
    await chip.init();
    const relay = new RelayOutput(chip, { pin: 0, activeLow: false, startupState: 'off' });
    await relay.init();
    bus.setFault(ADDRESS, { kind: 'disconnect' });
    await expect(relay.set(true)).rejects.toBeInstanceOf(I2cError);
  });
});
