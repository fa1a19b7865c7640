import { readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, UNIT_FILE, analyze, haveSystemdAnalyze, parseExposure, put, unitEntries, verifyRoot } from './fixtures.js';

const unitText = readFileSync(UNIT_FILE, 'utf8');
const unit = unitEntries(unitText);
const one = (key: string): string | undefined => unit.get(key)?.at(-1);

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});
function root(text?: string): string {
  const r = verifyRoot(text);
  roots.push(r);
  return r;
}

/** Lines of systemd-analyze's stderr about our unit (warnings such as "Unknown key ... ignoring"). */
function unitWarnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.includes('terrarium.service') || l.includes('sysfs-gpio.conf'));
}

describe('terrarium.service contents', () => {
  it.each([
    ['Type', 'notify'],
    ['NotifyAccess', 'all'],
    ['WatchdogSec', '60'],
    ['Restart', 'always'],
    ['RestartSec', '10'],
    ['StartLimitIntervalSec', '300'],
    ['StartLimitBurst', '5'],
    ['User', 'terrarium'],
    ['SupplementaryGroups', 'gpio i2c'],
    ['StateDirectory', 'terrarium'],
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['PrivateNetwork', 'no'],
    ['RestrictAddressFamilies', 'AF_UNIX AF_INET AF_INET6'],
    ['SystemCallArchitectures', 'native'],
    ['DevicePolicy', 'closed'],
    ['ProtectKernelTunables', 'yes'],
    ['ProtectKernelModules', 'yes'],
    ['ProtectControlGroups', 'yes'],
    ['ProtectClock', 'yes'],
    ['ProtectHostname', 'yes'],
    ['LockPersonality', 'yes'],
    ['RestrictRealtime', 'yes'],
    ['RestrictNamespaces', 'yes'],
    ['RestrictSUIDSGID', 'yes'],
    ['CapabilityBoundingSet', ''],
    ['UMask', '0027'],
    ['TimeoutStopSec', '20'],
    ['KillMode', 'mixed'],
  ])('sets %s=%s', (key, value) => {
    expect(one(key)).toBe(value);
  });

  it('allows only I2C and GPIO character devices', () => {
    expect(unit.get('DeviceAllow')).toEqual(['char-i2c rw', 'char-gpiochip rw']);
    expect(unit.has('PrivateDevices')).toBe(false);
  });

  it('starts with the @system-service syscall set minus privileged calls, refused with EPERM', () => {
    expect(unit.get('SystemCallFilter')).toEqual(['@system-service', '~@privileged @resources @mount @debug @cpu-emulation @obsolete']);
    expect(one('SystemCallErrorNumber')).toBe('EPERM');
  });

  it('leaves MemoryDenyWriteExecute off (V8 JIT needs W+X pages) and keeps /proc/meminfo readable', () => {
    expect(unit.has('MemoryDenyWriteExecute')).toBe(false);
    expect(unit.has('ProcSubset')).toBe(false);
  });

  it('runs the built CLI of package.json with the installed config and makes outputs safe after every stop', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const main = `/opt/terrarium/${pkg.bin.terrarium}`;
    expect(one('ExecStart')).toBe(`/usr/bin/node ${main} run --config /etc/terrarium/config.json`);
    expect(one('ExecStopPost')).toBe(`/usr/bin/node ${main} safe-outputs --config /etc/terrarium/config.json`);
  });

  it('uses the state directory the Pi example config names', () => {
    const cfg = JSON.parse(readFileSync(join(REPO, 'config', 'example-pi.json'), 'utf8')) as { controller: { stateDir: string } };
    expect(cfg.controller.stateDir).toBe(`/var/lib/${one('StateDirectory')}`);
  });
});

const available = haveSystemdAnalyze();
const required = Boolean(process.env.REQUIRE_SYSTEMD);

describe.skipIf(!available && !required)('terrarium.service under systemd-analyze', () => {
  it('passes systemd-analyze verify (binaries stubbed in a temporary --root)', () => {
    const r = analyze(['verify', '--man=no', `--root=${root()}`, 'terrarium.service']);
    expect(unitWarnings(r.stderr)).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('passes verify with the sysfs GPIO drop-in as well', () => {
    const r0 = root();
    put(r0, 'etc/systemd/system/terrarium.service.d/sysfs-gpio.conf', readFileSync(join(REPO, 'systemd', 'sysfs-gpio.conf'), 'utf8'));
    const r = analyze(['verify', '--man=no', `--root=${r0}`, 'terrarium.service']);
    expect(unitWarnings(r.stderr)).toEqual([]);
    expect(r.status).toBe(0);
    expect(parseExposure(analyze(['security', '--offline=true', `--root=${r0}`, 'terrarium.service']).stdout).score).toBeLessThanOrEqual(4.9);
  });

  it('would catch a misspelt directive or a missing binary (the check can fail)', () => {
    const typo = analyze(['verify', '--man=no', `--root=${root(unitText.replace('ProtectHome=yes', 'ProtectHomes=yes'))}`, 'terrarium.service']);
    expect(unitWarnings(typo.stderr).join('\n')).toMatch(/Unknown key 'ProtectHomes'/);
    const noNode = root();
    unlinkSync(join(noNode, 'usr/bin/node'));
    const missing = analyze(['verify', '--man=no', `--root=${noNode}`, 'terrarium.service']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/\/usr\/bin\/node is not executable/);
  });

  it('is rated "OK" or better by systemd-analyze security --offline=true, as docs/install.md says', () => {
    const r = analyze(['security', '--offline=true', UNIT_FILE]);
    expect(r.status).toBe(0);
    const { score, level } = parseExposure(r.stdout);
    expect(score).toBeLessThanOrEqual(4.9);
    expect(['PERFECT', 'SAFE', 'OK']).toContain(level);
    // docs/install.md states the score measured with systemd 252 (Debian Bookworm).
    const readme = readFileSync(join(REPO, 'docs', 'install.md'), 'utf8');
    const stated = /exposure level \*\*(\d+\.\d) (\w+)\*\* \(systemd (\d+)\)/.exec(readme);
    expect(stated).not.toBeNull();
    const version = Number(/systemd (\d+)/.exec(analyze(['--version']).stdout)?.[1]);
    if (version === Number(stated![3])) expect([score.toFixed(1), level]).toEqual([stated![1], stated![2]]);
  });
});
