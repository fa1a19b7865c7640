import { describe, expect, it } from 'vitest';
import { Ds18b20 } from '../../src/drivers/ds18b20.js';
import { SensorDataError } from '../../src/drivers/errors.js';
import { DeviceIdentityError, OneWireError } from '../../src/hal/errors.js';
import { SimOneWire } from '../../simulators/onewire-sim.js';

const ID = '28-000005e2fdc3';

function setup(celsius = 26.5): { bus: SimOneWire; probe: Ds18b20 } {
  const bus = new SimOneWire();
  bus.addDevice(ID, () => celsius);
  return { bus, probe: new Ds18b20(bus, ID) };
}

describe('Ds18b20', () => {
  it('describes itself by device id and measures temperature only', () => {
    const { probe } = setup();
    expect(probe.description).toBe('DS18B20 28-000005e2fdc3');
    expect(probe.quantities).toEqual(['temperature']);
  });

  it('reads the probe temperature in °C', async () => {
    const { probe } = setup(26.5);
    await probe.init();
    expect(await probe.read()).toEqual([{ quantity: 'temperature', value: 26.5 }]);
  });

  it('reads a temperature below zero', async () => {
    const { probe } = setup(-10.125);
    expect(await probe.read()).toEqual([{ quantity: 'temperature', value: -10.125 }]);
  });

  it('fails init naming the device and the ids present when the probe is not on the bus', async () => {
    const bus = new SimOneWire();
    bus.addDevice('28-0000000000aa', () => 20);
    const err = await new Ds18b20(bus, ID).init().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OneWireError);
    expect((err as OneWireError).errno).toBe('ENOENT');
    expect((err as OneWireError).deviceId).toBe(ID);
    expect((err as Error).message).toContain('28-0000000000aa');
  });

  it('fails init with a DeviceIdentityError for an id of another 1-Wire family', async () => {
    const bus = new SimOneWire();
    bus.addDevice('10-000802b4a1c2', () => 20);
    await expect(new Ds18b20(bus, '10-000802b4a1c2').init()).rejects.toBeInstanceOf(DeviceIdentityError);
  });

  it.each([
    ['crc', 'crc'],
    ['power-on', 'power-on-value'],
  ] as const)('rejects a %s fault as SensorDataError(%s) naming the device', async (fault, kind) => {
    const { bus, probe } = setup();
    await probe.init();
    bus.setFault(ID, fault);
    const err = await probe.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SensorDataError);
    expect((err as SensorDataError).kind).toBe(kind);
    expect((err as Error).message).toContain(ID);
  });

  it('passes the bus error through when the probe is unplugged after init', async () => {
    const { bus, probe } = setup();
    await probe.init();
    bus.setFault(ID, 'absent');
    await expect(probe.read()).rejects.toMatchObject({ code: 'ONEWIRE_IO', errno: 'ENOENT', deviceId: ID });
  });
});
