import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../../src/hal/command-runner.js';
import { HostMetricsReader } from '../../src/hal/host-metrics.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A laptop: no sysfs throttling file; `vcgencmd` answers with `answers` in turn (`missing`: ENOENT). */
function laptop(answers: Array<Partial<CommandResult> | 'missing'>): { reader: HostMetricsReader; calls: () => number } {
  const root = mkdtempSync(join(tmpdir(), 'host-metrics-'));
  roots.push(root);
  let calls = 0;
  const runner: Pick<CommandRunner, 'run'> = {
    async run() {
      const a = answers[Math.min(calls++, answers.length - 1)];
      if (a === 'missing') throw Object.assign(new Error('spawn vcgencmd ENOENT'), { code: 'ENOENT' });
      return { stdout: '', stderr: '', code: 0, signal: null, ...a };
    },
  };
  return { reader: new HostMetricsReader({ sysRoot: join(root, 'sys'), procRoot: join(root, 'proc'), stateDir: root, runner }), calls: () => calls };
}

describe('HostMetricsReader without vcgencmd', () => {
  it('does not spawn vcgencmd again once it was not found', async () => {
    const { reader, calls } = laptop(['missing']);
    for (let i = 0; i < 3; i++) expect(await reader.throttling()).toEqual({ available: false, reason: 'no firmware get_throttled file and no vcgencmd' });
    expect(calls()).toBe(1);
  });

  it('keeps asking a vcgencmd that exists but failed once', async () => {
    const { reader, calls } = laptop([{ code: 255, stderr: 'VCHI initialization failed\n' }, { stdout: 'throttled=0x0\n' }]);
    expect(await reader.throttling()).toMatchObject({ available: false });
    expect(await reader.throttling()).toMatchObject({ available: true, value: { raw: 0 } });
    expect(calls()).toBe(2);
  });
});
