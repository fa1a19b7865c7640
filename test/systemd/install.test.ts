import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, analyze, haveSystemdAnalyze, put } from './fixtures.js';

const INSTALL = join(REPO, 'systemd', 'install.sh');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A built app to install (the real package.json, config and systemd files, a stub dist) and an
 * empty target root with a Raspberry Pi OS style /boot/firmware/config.txt.
 */
function setup(bootConfig = '# Raspberry Pi config\ndtparam=audio=on\n[cm4]\notg_mode=1\n'): { src: string; root: string } {
  const base = mkdtempSync(join(tmpdir(), 'install-'));
  dirs.push(base);
  const src = join(base, 'src');
  for (const f of ['package.json', 'package-lock.json', 'config/example-pi.json', 'config/species/leopard-gecko.json', 'systemd/terrarium.service', 'systemd/sysfs-gpio.conf']) {
    put(src, f, readFileSync(join(REPO, f), 'utf8'));
  }
  put(src, 'systemd/install.sh', readFileSync(INSTALL, 'utf8'), 0o755);
  put(src, 'dist/src/cli/main.js', 'export {};\n');
  put(src, 'hardware/README.md', '# wiring\n');
  const root = join(base, 'root');
  put(root, 'boot/firmware/config.txt', bootConfig);
  return { src, root };
}

function install(src: string, root: string, ...extra: string[]): { status: number | null; out: string } {
  const r = spawnSync('bash', [INSTALL, '--prefix', root, '--source', src, ...extra], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** Every path below `root` with its mode, size, mtime and content hash: what "changed nothing" compares. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      const s = statSync(p);
      const hash = e.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16) : '-';
      out.push(`${relative(root, p)} ${(s.mode & 0o7777).toString(8)} ${s.size} ${s.mtimeMs} ${hash}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

describe('systemd/install.sh into a temporary root', () => {
  it('installs the app, the config, the state directory and the unit', () => {
    const { src, root } = setup();
    const r = install(src, root);
    expect(r.status, r.out).toBe(0);
    const mode = (rel: string): string => (statSync(join(root, rel)).mode & 0o777).toString(8);
    expect(readFileSync(join(root, 'opt/terrarium/dist/src/cli/main.js'), 'utf8')).toBe('export {};\n');
    expect(readFileSync(join(root, 'etc/terrarium/config.json'), 'utf8')).toBe(readFileSync(join(REPO, 'config/example-pi.json'), 'utf8'));
    expect(readFileSync(join(root, 'etc/systemd/system/terrarium.service'), 'utf8')).toBe(readFileSync(join(REPO, 'systemd/terrarium.service'), 'utf8'));
    expect([mode('etc/terrarium'), mode('etc/terrarium/config.json'), mode('var/lib/terrarium'), mode('opt/terrarium/systemd/install.sh')]).toEqual(['750', '640', '750', '755']);
    expect(readFileSync(join(root, 'etc/modules-load.d/terrarium.conf'), 'utf8')).toBe('i2c-dev\n');
    // Appended under [all]: after the [cm4] filter the lines would apply to a CM4 only.
    expect(readFileSync(join(root, 'boot/firmware/config.txt'), 'utf8')).toBe(
      '# Raspberry Pi config\ndtparam=audio=on\n[cm4]\notg_mode=1\n[all]\ndtparam=i2c_arm=on\ndtoverlay=w1-gpio,gpiopin=4\n',
    );
    expect(existsSync(join(root, 'etc/systemd/system/terrarium.service.d'))).toBe(false);
    expect(r.out).toMatch(/reboot to apply the I2C \/ 1-Wire settings/);
    for (const s of ['apt (prefix install)', 'users and groups (prefix install)', 'npm install (prefix install)', 'systemctl (prefix install)', 'check (prefix install)']) {
      expect(r.out).toContain(`skipped: ${s}`);
    }
  });

  it('changes nothing when run a second time, and says so', () => {
    const { src, root } = setup();
    expect(install(src, root).status).toBe(0);
    const before = snapshot(root);
    const again = install(src, root);
    expect(again.status, again.out).toBe(0);
    expect(snapshot(root)).toEqual(before);
    expect(again.out).toContain('nothing changed: already installed');
    expect(again.out).not.toMatch(/done:/);
  });

  it('never overwrites the keeper\'s config', () => {
    const { src, root } = setup();
    const mine = '{ "controller": { "id": "my-gecko" } }\n';
    put(root, 'etc/terrarium/config.json', mine, 0o640);
    const r = install(src, root);
    expect(r.status).toBe(0);
    expect(readFileSync(join(root, 'etc/terrarium/config.json'), 'utf8')).toBe(mine);
    expect(r.out).toContain('keeping the existing');
  });

  it('keeps a config that is not even valid JSON, and warns instead of failing', () => {
    const { src, root } = setup();
    put(root, 'etc/terrarium/config.json', '{ oops', 0o640);
    const r = install(src, root);
    expect(r.status, r.out).toBe(0);
    expect(readFileSync(join(root, 'etc/terrarium/config.json'), 'utf8')).toBe('{ oops');
    expect(r.out).toMatch(/config.json is not valid JSON: sysfs GPIO drop-in left as it is/);
  });

  it('prints the actions and changes nothing with --dry-run', () => {
    const { src, root } = setup();
    const before = snapshot(root);
    const r = install(src, root, '--dry-run');
    expect(r.status, r.out).toBe(0);
    expect(snapshot(root)).toEqual(before);
    expect(r.out).toMatch(/would: added 'dtparam=i2c_arm=on'/);
    expect(r.out).toMatch(/would: wrote .*etc\/terrarium\/config.json/);
    expect(r.out).toMatch(/dry run: \d+ change\(s\) would be made/);
  });

  it('leaves existing I2C and 1-Wire settings alone', () => {
    const boot = '[all]\ndtparam=i2c_arm=on\ndtoverlay=w1-gpio\n';
    const { src, root } = setup(boot);
    const r = install(src, root);
    expect(readFileSync(join(root, 'boot/firmware/config.txt'), 'utf8')).toBe(boot);
    expect(r.out).not.toMatch(/reboot/);
  });

  it('adds the sysfs GPIO drop-in only while the config uses the sysfs driver', () => {
    const { src, root } = setup();
    const cfg = JSON.parse(readFileSync(join(REPO, 'config/example-pi.json'), 'utf8')) as { hardware: { gpio: { driver: string } } };
    cfg.hardware.gpio.driver = 'sysfs';
    put(root, 'etc/terrarium/config.json', JSON.stringify(cfg), 0o640);
    install(src, root);
    const dropIn = join(root, 'etc/systemd/system/terrarium.service.d/sysfs-gpio.conf');
    expect(readFileSync(dropIn, 'utf8')).toBe(readFileSync(join(REPO, 'systemd/sysfs-gpio.conf'), 'utf8'));
    cfg.hardware.gpio.driver = 'libgpiod';
    writeFileSync(join(root, 'etc/terrarium/config.json'), JSON.stringify(cfg));
    const r = install(src, root);
    expect(existsSync(dropIn)).toBe(false);
    expect(r.out).toMatch(/removed .*sysfs-gpio.conf \(GPIO driver is libgpiod\)/);
  });

  it('updates changed files and removes files the new version no longer ships', () => {
    const { src, root } = setup();
    put(src, 'dist/src/old.js', 'old\n');
    install(src, root);
    unlinkSync(join(src, 'dist/src/old.js'));
    put(src, 'dist/src/cli/main.js', 'export const v = 2;\n');
    const r = install(src, root);
    expect(existsSync(join(root, 'opt/terrarium/dist/src/old.js'))).toBe(false);
    expect(readFileSync(join(root, 'opt/terrarium/dist/src/cli/main.js'), 'utf8')).toBe('export const v = 2;\n');
    expect(r.out).toContain('updated 2 file(s)');
  });

  it('refuses to install an app that was not built', () => {
    const { src, root } = setup();
    unlinkSync(join(src, 'dist/src/cli/main.js'));
    const r = install(src, root);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/run 'npm ci && npm run build'/);
  });

  it.skipIf(!haveSystemdAnalyze() && !process.env.REQUIRE_SYSTEMD)('installs a unit that systemd-analyze verify accepts in that root', () => {
    const { src, root } = setup();
    install(src, root);
    put(root, 'usr/bin/node', '#!/bin/sh\n', 0o755);
    for (const t of ['sysinit', 'basic', 'shutdown', 'network-online', 'time-sync', 'multi-user']) put(root, `usr/lib/systemd/system/${t}.target`, '[Unit]\n');
    const r = analyze(['verify', '--man=no', `--root=${root}`, 'terrarium.service']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('puts terrarium on PATH: a wrapper in /usr/local/bin, left alone when another terrarium is there', () => {
    const { src, root } = setup();
    expect(install(src, root).status).toBe(0);
    const wrapper = readFileSync(join(root, 'usr/local/bin/terrarium'), 'utf8');
    expect(wrapper).toMatch(/^#!\/bin\/sh\n/);
    expect(wrapper).toContain('exec /usr/bin/node /opt/terrarium/dist/src/cli/main.js "$@"');
    expect((statSync(join(root, 'usr/local/bin/terrarium')).mode & 0o777).toString(8)).toBe('755');

    const other = setup();
    put(other.root, 'usr/local/bin/terrarium', '#!/bin/sh\necho npm global\n', 0o755);
    const r = install(other.src, other.root);
    expect(r.status, r.out).toBe(0);
    expect(readFileSync(join(other.root, 'usr/local/bin/terrarium'), 'utf8')).toBe('#!/bin/sh\necho npm global\n');
    expect(r.out).toMatch(/is not ours .*left alone/);
  });

  it('installs from the npm package, which has no package-lock.json', () => {
    const { src, root } = setup();
    unlinkSync(join(src, 'package-lock.json'));
    const r = install(src, root);
    expect(r.status, r.out).toBe(0);
    expect(existsSync(join(root, 'opt/terrarium/package.json'))).toBe(true);
    expect(existsSync(join(root, 'opt/terrarium/package-lock.json'))).toBe(false);
  });

  it('stops with an error when a file cannot be installed (set -e holds inside install_file)', () => {
    const { src, root } = setup();
    put(root, 'opt/terrarium/dist', 'a file where a directory must go\n');
    const r = install(src, root);
    expect(r.status, r.out).not.toBe(0);
    expect(r.out).not.toContain('Summary');
  });
});
