import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const UNIT_FILE = join(REPO, 'systemd', 'terrarium.service');

/** True when `systemd-analyze` can be run here. */
export function haveSystemdAnalyze(): boolean {
  return spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Writes `text` to `root/rel`, creating directories. */
export function put(root: string, rel: string, text: string, mode = 0o644): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

/**
 * A minimal file-system root in which `systemd-analyze verify --root=<root>` can load the unit:
 * `verify` checks that ExecStart/ExecStopPost binaries exist and are executable *below the root*,
 * and that the units it depends on exist, so the root gets an executable stub `/usr/bin/node` and
 * stub targets. Nothing of the host's /opt/terrarium or node is needed.
 */
export function verifyRoot(unitText = readFileSync(UNIT_FILE, 'utf8')): string {
  const root = mkdtempSync(join(tmpdir(), 'unit-root-'));
  put(root, 'usr/bin/node', '#!/bin/sh\nexit 0\n', 0o755);
  put(root, 'opt/terrarium/dist/src/cli/main.js', '// stub\n');
  for (const t of ['sysinit', 'basic', 'shutdown', 'network-online', 'time-sync', 'multi-user']) {
    put(root, `usr/lib/systemd/system/${t}.target`, `[Unit]\nDescription=stub ${t}\n`);
  }
  put(root, 'etc/systemd/system/terrarium.service', unitText);
  return root;
}

/** Runs `systemd-analyze args...`; returns status and both streams. */
export function analyze(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Parses "→ Overall exposure level for terrarium.service: 1.8 OK 🙂" from `systemd-analyze security`. */
export function parseExposure(stdout: string): { score: number; level: string } {
  const m = /Overall exposure level for \S+: (\d+(?:\.\d+)?) ([A-Z]+)/.exec(stdout);
  if (!m) throw new Error(`no exposure level in:\n${stdout.slice(-500)}`);
  return { score: Number(m[1]), level: m[2] };
}

/** `Key=Value` lines of a unit file, comments dropped; repeated keys keep every value. */
export function unitEntries(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
  }
  return out;
}
