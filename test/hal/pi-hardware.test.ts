import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { HardwareSchema } from '../../src/config/hardware-schema.js';
import { BackendUnavailableError } from '../../src/hal/errors.js';
import { LibgpiodProvider } from '../../src/hal/gpio-libgpiod.js';
import { SysfsGpioProvider } from '../../src/hal/gpio-sysfs.js';
import { createPiHardware } from '../../src/hal/pi-hardware.js';
import { SysfsOneWire } from '../../src/hal/onewire-sysfs.js';
import { FakeGpiod } from './fake-gpiod.js';

const clock = (): VirtualClock => new VirtualClock(Date.UTC(2026, 0, 1));
const missing = (name: string) => () => Promise.reject(Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' }));

/** Every `src/` file reachable from `entry` through static relative imports. */
function staticImportGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (graph.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2]);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return graph;
}

describe('createPiHardware', () => {
  it('imports nothing native at module load: i2c-bus and onoff are only loaded on use', () => {
    const entry = join(dirname(fileURLToPath(import.meta.url)), '../../src/hal/pi-hardware.ts');
    const graph = staticImportGraph(entry);
    expect([...graph.keys()].some((f) => f.endsWith('i2c-bus-backend.ts'))).toBe(true); // the walk reaches the backends
    const nativeImports = [...graph].flatMap(([file, specifiers]) => specifiers.filter((s) => /^(i2c-bus|onoff|epoll)$/.test(s)).map((s) => `${file}: ${s}`));
    expect(nativeImports).toEqual([]);
  });

  it('builds without the optional packages and fails loudly only when a backend is used', async () => {
    const cfg = HardwareSchema.parse({ backend: 'pi', gpio: { driver: 'sysfs' } });
    const hw = createPiHardware(cfg, clock(), { loadI2c: missing('i2c-bus'), loadOnoff: missing('onoff') });
    expect(hw.kind).toBe('pi');
    await expect(hw.i2c.open(1)).rejects.toBeInstanceOf(BackendUnavailableError);
  });

  it('chooses the libgpiod tools by default and drives a line through them', async () => {
    const tools = new FakeGpiod({ major: 2 });
    const c = clock();
    const hw = createPiHardware(HardwareSchema.parse({ backend: 'pi' }), c, { runner: tools });
    expect(hw.gpio).toBeInstanceOf(LibgpiodProvider);
    expect(hw.clock).toBe(c);
    await hw.gpio.openOutput(17, false);
    expect(tools.spawned).toEqual([['gpioset', '--chip', 'gpiochip0', '--consumer', 'terrarium', '--banner', '17=0']]);
  });

  it('chooses sysfs (onoff) when configured, with the configured tree and 1-Wire root', () => {
    const cfg = HardwareSchema.parse({ backend: 'pi', gpio: { driver: 'sysfs', sysfsRoot: '/tmp/gpio' }, oneWireRoot: '/tmp/w1' });
    const hw = createPiHardware(cfg, clock(), { loadOnoff: missing('onoff') });
    expect(hw.gpio).toBeInstanceOf(SysfsGpioProvider);
    expect(hw.oneWire).toBeInstanceOf(SysfsOneWire);
  });

  it('refuses a simulator configuration instead of pretending', () => {
    expect(() => createPiHardware(HardwareSchema.parse({ backend: 'sim' }), clock())).toThrow(BackendUnavailableError);
  });
});
