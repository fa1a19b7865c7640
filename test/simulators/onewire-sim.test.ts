import { describe, expect, it } from 'vitest';
import { crc8Maxim, parseW1Slave } from '../../src/drivers/ds18b20.js';
import { SimOneWire } from '../../simulators/onewire-sim.js';

const ID = '28-000005e2fdc3';

function bus(source: () => number): SimOneWire {
  const sim = new SimOneWire();
  sim.addDevice(ID, source);
  return sim;
}

describe('SimOneWire', () => {
  it('renders the same w1_slave text as a real probe at 23.125 °C', async () => {
    expect(await bus(() => 23.125).readDevice(ID)).toBe('72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n');
  });

  it.each([
    [25.0625, 25.062],
    [-10.125, -10.125],
    [0, 0],
    [21.3, 21.312], // quantised to 1/16 °C: 341/16 = 21.3125
    [-0.5, -0.5],
    [150, 125], // the chip saturates at its range
  ])('renders %s °C so the driver parser reads %s', async (celsius, expected) => {
    expect(parseW1Slave(await bus(() => celsius).readDevice(ID))).toBe(expected);
  });

  it('samples the source on every read', async () => {
    let t = 20;
    const sim = bus(() => t);
    const first = parseW1Slave(await sim.readDevice(ID));
    t = 30;
    expect([first, parseW1Slave(await sim.readDevice(ID))]).toEqual([20, 30]);
    expect(sim.readCount(ID)).toBe(2);
  });

  it('lists present probes and drops an absent one, which reads ENOENT until restored', async () => {
    const sim = bus(() => 20);
    sim.addDevice('28-0000000000aa', () => 21);
    sim.setFault(ID, 'absent');
    expect(await sim.list()).toEqual(['28-0000000000aa']);
    await expect(sim.readDevice(ID)).rejects.toMatchObject({ code: 'ONEWIRE_IO', errno: 'ENOENT', deviceId: ID });
    sim.setFault(ID, null);
    expect(await sim.list()).toEqual([ID, '28-0000000000aa']);
  });

  it('rejects an unknown device with ENOENT', async () => {
    await expect(new SimOneWire().readDevice(ID)).rejects.toMatchObject({ errno: 'ENOENT' });
  });

  it('renders a CRC fault as a corrupted scratchpad the kernel marks NO, with the CRC it computed', async () => {
    const sim = bus(() => 23.125);
    sim.setFault(ID, 'crc');
    const text = await sim.readDevice(ID);
    const [line1] = text.split('\n');
    const m = /^((?:[0-9a-f]{2} ){9}): crc=([0-9a-f]{2}) NO$/.exec(line1);
    expect(m).not.toBeNull();
    const bytes = m![1].trim().split(' ').map((h) => parseInt(h, 16));
    expect(parseInt(m![2], 16)).toBe(crc8Maxim(bytes.slice(0, 8)));
    expect(crc8Maxim(bytes.slice(0, 8))).not.toBe(bytes[8]);
    expect(() => parseW1Slave(text)).toThrow(expect.objectContaining({ kind: 'crc' }));
  });

  it('renders the power-up scratchpad (85 °C) for a power-on fault', async () => {
    const sim = bus(() => 23);
    sim.setFault(ID, 'power-on');
    expect(await sim.readDevice(ID)).toBe('50 05 4b 46 7f ff 0c 10 1c : crc=1c YES\n50 05 4b 46 7f ff 0c 10 1c t=85000\n');
  });

  it('repeats the last text for a stuck fault, whatever the source says', async () => {
    let t = 24;
    const sim = bus(() => t);
    const before = await sim.readDevice(ID);
    sim.setFault(ID, 'stuck');
    t = 31;
    expect(await sim.readDevice(ID)).toBe(before);
    sim.setFault(ID, null);
    expect(parseW1Slave(await sim.readDevice(ID))).toBe(31);
  });
});
