import * as real from 'node:fs';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlatform, MAX_SOCKET_PATH_BYTES, type PlatformFs } from '../../src/platform/platform.js';
import { writeDurable } from '../../src/store/durable-file.js';
import { StateStoreError } from '../../src/store/errors.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

/** node:fs, except that opening or fsyncing a directory fails with `code` (as on Windows). */
function fsFailingOnDirectories(code: string, at: 'open' | 'fsync'): PlatformFs & { dirFsyncs: number } {
  const fake = {
    dirFsyncs: 0,
    openSync: (p: string, flags: string): number => {
      if (at === 'open') throw errno(code);
      return real.openSync(p, flags);
    },
    fsyncSync: (fd: number): void => {
      fake.dirFsyncs++;
      if (at === 'fsync') throw errno(code);
      real.fsyncSync(fd);
    },
    closeSync: (fd: number): void => real.closeSync(fd),
    readFileSync: (p: string, enc: 'utf8'): string => real.readFileSync(p, enc),
  };
  return fake;
}

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = (): string => (dir = mkdtempSync(join(tmpdir(), 'terrarium-platform-')));

describe('platform: durable state writes', () => {
  it.each([
    ['EPERM', 'open'],
    ['EISDIR', 'open'],
    ['EPERM', 'fsync'],
    ['EINVAL', 'fsync'],
  ] as const)('on Windows a directory fsync failing with %s (%s) is skipped and the state is written', (code, at) => {
    const file = join(fresh(), 'state.json');
    writeDurable(file, '{"a":1}', createPlatform({ os: 'win32', fs: fsFailingOnDirectories(code, at) }));
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}');
  });

  it.each(['linux', 'darwin'] as const)('on %s a failing directory fsync is a real error (EIO)', (os) => {
    const file = join(fresh(), 'state.json');
    expect(() => writeDurable(file, '{}', createPlatform({ os, fs: fsFailingOnDirectories('EIO', 'fsync') }))).toThrow(StateStoreError);
  });

  it('on Linux an EPERM directory fsync is not hidden either', () => {
    const file = join(fresh(), 'state.json');
    expect(() => writeDurable(file, '{}', createPlatform({ os: 'linux', fs: fsFailingOnDirectories('EPERM', 'fsync') }))).toThrow(/EPERM/);
  });

  it('fails fast under /proc instead of looping in mkdir', () => {
    fresh();
    expect(() => writeDurable('/proc/terrarium-test/state/state.json', '{}')).toThrow(StateStoreError);
  });

  it('creates missing parent directories', () => {
    const file = join(fresh(), 'a', 'b', 'state.json');
    writeDurable(file, 'x');
    expect(existsSync(file)).toBe(true);
  });
});

describe('platform: status socket address', () => {
  it('is <stateDir>/terrarium.sock on Linux and macOS when short enough', () => {
    expect(createPlatform({ os: 'linux' }).statusSocketPath('/var/lib/terrarium')).toBe('/var/lib/terrarium/terrarium.sock');
    expect(createPlatform({ os: 'darwin' }).statusSocketPath('/Users/me/state')).toBe('/Users/me/state/terrarium.sock');
  });

  it('is a named pipe on Windows, the same for the controller and the client', () => {
    const p = createPlatform({ os: 'win32' });
    expect(p.statusSocketPath('/x/state')).toMatch(/^\\\\\.\\pipe\\terrarium-[0-9a-f]{16}$/);
    expect(p.statusSocketPath('/x/state')).toBe(p.statusSocketPath('/x/state'));
    expect(p.statusSocketPath('/x/state')).not.toBe(p.statusSocketPath('/y/state'));
  });

  it('moves to a short temp path when the state directory is deep (macOS sun_path is 104 bytes)', () => {
    const deep = `/Users/someone/${'very-long-directory-name/'.repeat(5)}state`;
    const p = createPlatform({ os: 'darwin', tmp: '/tmp' }).statusSocketPath(deep);
    expect(p).toMatch(/^\/tmp\/terrarium-[0-9a-f]{16}\.sock$/);
    expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
  });
});

describe('platform: signals', () => {
  it('treats SIGHUP like SIGTERM everywhere, and SIGBREAK on Windows', () => {
    expect(createPlatform({ os: 'linux' }).shutdownSignals).toEqual(expect.arrayContaining(['SIGINT', 'SIGTERM', 'SIGHUP']));
    expect(createPlatform({ os: 'win32' }).shutdownSignals).toEqual(expect.arrayContaining(['SIGINT', 'SIGHUP', 'SIGBREAK']));
    expect(createPlatform({ os: 'darwin' }).shutdownSignals).not.toContain('SIGBREAK');
  });
});
