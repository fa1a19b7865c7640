import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, GpioError } from '../../src/hal/errors.js';
import { type OnoffGpio, type OnoffModule, SysfsGpioProvider } from '../../src/hal/gpio-sysfs.js';
import { fakeGpioTree, PI4_KERNEL_66, PI5 } from './fake-sysfs.js';

// The real package must fit the seam the backend declares (checked by tsc, not at run time).
type RealOnoff = typeof import('onoff');
const _fits: (m: RealOnoff) => OnoffModule = (m) => m;
void _fits;

/** An errno-style error as onoff's fs calls throw them. */
const sysErr = (code: string): Error => Object.assign(new Error(`${code}: simulated`), { code });

/** A fake `onoff` that records exports and keeps a value per sysfs number. */
class FakeOnoff {
  readonly exported = new Map<number, string>();
  readonly values = new Map<number, 0 | 1>();
  failExport: Error | undefined;
  failWrite: Error | undefined;
  readonly module: OnoffModule;

  constructor() {
    const fake = this;
    class Gpio implements OnoffGpio {
      constructor(
        private readonly n: number,
        direction: 'in' | 'out' | 'high' | 'low',
      ) {
        if (fake.failExport) throw fake.failExport;
        fake.exported.set(n, direction);
        if (direction === 'high') fake.values.set(n, 1);
        if (direction === 'low' || direction === 'out') fake.values.set(n, 0);
      }
      async read(): Promise<0 | 1> {
        return fake.values.get(this.n) ?? 0;
      }
      async write(v: 0 | 1): Promise<void> {
        if (fake.failWrite) throw fake.failWrite;
        fake.values.set(this.n, v);
      }
      unexport(): void {
        fake.exported.delete(this.n);
      }
    }
    this.module = { Gpio };
  }
}

describe('SysfsGpioProvider', () => {
  it('exports the offset sysfs number with the initial level in the same step', async () => {
    const onoff = new FakeOnoff();
    const gpio = new SysfsGpioProvider({ root: fakeGpioTree(PI4_KERNEL_66), load: async () => onoff.module });
    const heater = await gpio.openOutput(17, true);
    expect(onoff.exported.get(529)).toBe('high');
    expect(heater.line).toBe(17);
    expect(await heater.read()).toBe(true);
    const fan = await gpio.openOutput(23, false);
    expect(onoff.exported.get(535)).toBe('low');
    expect(await fan.read()).toBe(false);
  });

  it('reads back what was written', async () => {
    const onoff = new FakeOnoff();
    const gpio = new SysfsGpioProvider({ root: fakeGpioTree(PI5), load: async () => onoff.module });
    const out = await gpio.openOutput(22, false);
    await out.write(true);
    expect(onoff.values.get(593)).toBe(1);
    expect(await out.read()).toBe(true);
    await out.write(false);
    expect(await out.read()).toBe(false);
  });

  it('opens inputs with direction in and reads the level', async () => {
    const onoff = new FakeOnoff();
    const gpio = new SysfsGpioProvider({ root: fakeGpioTree(PI4_KERNEL_66), load: async () => onoff.module });
    onoff.values.set(517, 1);
    const float = await gpio.openInput(5, 'up');
    expect(onoff.exported.get(517)).toBe('in');
    expect(await float.read()).toBe(true);
  });

  it('unexports on close and refuses further use', async () => {
    const onoff = new FakeOnoff();
    const gpio = new SysfsGpioProvider({ root: fakeGpioTree(PI4_KERNEL_66), load: async () => onoff.module });
    const out = await gpio.openOutput(27, false);
    await out.close();
    expect(onoff.exported.has(539)).toBe(false);
    await expect(out.write(true)).rejects.toMatchObject({ code: 'GPIO_IO', errno: 'EINVAL', line: 27 });
  });

  it('maps an export failure to GpioError with the errno and sysfs number', async () => {
    const onoff = new FakeOnoff();
    onoff.failExport = sysErr('EBUSY');
    const gpio = new SysfsGpioProvider({ root: fakeGpioTree(PI4_KERNEL_66), load: async () => onoff.module });
    const e = await gpio.openOutput(17, false).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(GpioError);
    expect(e).toMatchObject({ errno: 'EBUSY', line: 17 });
    expect((e as Error).message).toContain('gpio529 as an output at 0');
    expect((e as Error).cause).toBe(onoff.failExport);
  });

  it('maps a write failure to GpioError', async () => {
    const onoff = new FakeOnoff();
    const gpio = new SysfsGpioProvider({ root: fakeGpioTree(PI4_KERNEL_66), load: async () => onoff.module });
    const out = await gpio.openOutput(17, false);
    onoff.failWrite = sysErr('EIO');
    await expect(out.write(true)).rejects.toMatchObject({ code: 'GPIO_IO', errno: 'EIO', line: 17 });
  });

  it('fails with BackendUnavailableError, saying how to install, when onoff is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'onoff'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const gpio = new SysfsGpioProvider({ root: fakeGpioTree(PI4_KERNEL_66), load: () => Promise.reject(missing) });
    const e = await gpio.openOutput(17, false).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect((e as Error).message).toContain('npm install onoff');
    expect((e as Error).cause).toBe(missing);
  });

  it('does not load onoff when the line cannot be mapped', async () => {
    let loads = 0;
    const gpio = new SysfsGpioProvider({
      root: fakeGpioTree([]),
      load: async () => {
        loads++;
        return new FakeOnoff().module;
      },
    });
    await expect(gpio.openOutput(17, false)).rejects.toMatchObject({ errno: 'ENODEV' });
    expect(loads).toBe(0);
  });
});
