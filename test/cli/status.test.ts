import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { startService } from '../../src/app/service.js';
import { ackCommand } from '../../src/cli/ack.js';
import { statusCommand } from '../../src/cli/status.js';
import { loadConfig } from '../../src/config/load.js';
import { SystemClock } from '../../src/hal/system-clock.js';

function writeConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'status-'));
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = join(dir, 'state');
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  raw.host = { enabled: false };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

async function run(fn: (out: PassThrough) => Promise<number>): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const code = await fn(out);
  return { code, text };
}

describe('terrarium status and ack', () => {
  it('shows mode, readings, outputs and health of the running controller over its socket', async () => {
    const file = writeConfig();
    const service = await startService({ config: loadConfig(file), clock: new SystemClock(), log: silentLogger() });
    try {
      // wait for the first completed tick (an event, bounded; real time: the service runs on the system clock)
      await new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const poll = (): void => {
          if (service.controller.progress().ticks > 0) resolve();
          else if (Date.now() - started > 10_000) reject(new Error('no tick within 10 s'));
          else setImmediate(poll);
        };
        poll();
      });
      const { code, text } = await run((out) => statusCommand({ config: file }, out));
      expect(code).toBe(0);
      expect(text).toMatch(/controller sim-terrarium: running/);
      expect(text).toMatch(/\[gecko\]\s+mode NORMAL/);
      expect(text).toMatch(/temperature \d+\.\d+ °C \(ok\)/);
      expect(text).toMatch(/healthy\s+air/);
      const ack = await run((out) => ackCommand({ config: file }, out));
      expect(ack.code).toBe(0);
      expect(ack.text).toMatch(/no latched faults/);
    } finally {
      await service.stop();
    }
  }, 30_000);

  it('says the controller is not running, exits 1, and still shows what the state directory knows', async () => {
    const file = writeConfig();
    const { code, text } = await run((out) => statusCommand({ config: file }, out));
    expect(code).toBe(1);
    expect(text).toMatch(/NOT RUNNING/);
  });
});
