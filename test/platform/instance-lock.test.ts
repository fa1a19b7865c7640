import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstanceLock, InstanceLockedError } from '../../src/platform/instance-lock.js';
import { createPlatform, type Platform } from '../../src/platform/platform.js';

const bootedAs = (id: string | undefined): Platform => ({ ...createPlatform({ os: 'linux' }), bootId: () => id });
const dir = (): string => mkdtempSync(join(tmpdir(), 'terrarium-lock-'));

describe('single-instance lock on the state directory', () => {
  it('a second controller on the same directory is refused while the first lives', () => {
    const d = dir();
    const alive = new Set([100]);
    new InstanceLock(d, bootedAs('boot-a'), 100, (p) => alive.has(p)).acquire();
    expect(() => new InstanceLock(d, bootedAs('boot-a'), 200, (p) => alive.has(p)).acquire()).toThrow(InstanceLockedError);
    expect(() => new InstanceLock(d, bootedAs('boot-a'), 200, (p) => alive.has(p)).acquire()).toThrow(/pid 100/);
  });

  it('takes over a lock left by a crashed controller (pid gone)', () => {
    const d = dir();
    new InstanceLock(d, bootedAs('boot-a'), 100, () => true).acquire(); // never released: a crash
    const next = new InstanceLock(d, bootedAs('boot-a'), 200, (p) => p === 200);
    next.acquire();
    expect(JSON.parse(readFileSync(join(d, 'terrarium.lock'), 'utf8')).pid).toBe(200);
  });

  it('takes over a lock from an earlier boot even when its pid is in use again', () => {
    const d = dir();
    new InstanceLock(d, bootedAs('boot-a'), 100, () => true).acquire();
    expect(() => new InstanceLock(d, bootedAs('boot-b'), 200, () => true).acquire()).not.toThrow();
  });

  it('takes over a torn or empty lock file', () => {
    const d = dir();
    writeFileSync(join(d, 'terrarium.lock'), '{"pi');
    expect(() => new InstanceLock(d, bootedAs(undefined), 200, () => true).acquire()).not.toThrow();
  });

  it('release deletes only its own lock', () => {
    const d = dir();
    const a = new InstanceLock(d, bootedAs('x'), 100, () => false);
    a.acquire();
    a.release();
    expect(existsSync(join(d, 'terrarium.lock'))).toBe(false);
    const b = new InstanceLock(d, bootedAs('x'), 100, () => false);
    b.acquire();
    new InstanceLock(d, bootedAs('x'), 300, () => false).acquire(); // 100 counted dead, 300 took it over
    b.release();
    expect(JSON.parse(readFileSync(join(d, 'terrarium.lock'), 'utf8')).pid).toBe(300);
  });
});
