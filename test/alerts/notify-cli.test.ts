import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Receiver } from './helpers.js';
import { runCli } from '../cli/run-cli.js';

/** A config file in a fresh directory: the simulated terrarium plus `alerts`. */
function configFile(alerts: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'notify-'));
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = join(dir, 'state');
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  if (alerts !== undefined) raw.alerts = alerts;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  writeFileSync(join(dir, 'ntfy-token'), 'tk_notifytesttoken\n', { mode: 0o600 });
  return join(dir, 'config.json');
}

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.down();
});

describe('terrarium notify --test', () => {
  it('sends one test alert through every channel and says which worked; exit 1 when one failed', async () => {
    const hook = await new Receiver().up();
    const dead = await new Receiver().up();
    receivers.push(hook);
    await dead.down(); // nothing listens on this port any more
    const file = configFile({ webhook: { url: `${hook.url}/hook?token=s3cr3t` }, ntfy: { url: dead.url, topic: 'terrarium-test', tokenFile: 'ntfy-token' } });

    const r = await runCli(['notify', '--test', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^webhook +http:\/\/127\.0\.0\.1:\d+\/hook\?… +ok$/m);
    expect(r.stdout).toMatch(/^ntfy +http:\/\/127\.0\.0\.1:\d+\/<topic> +FAILED: .*ECONNREFUSED/m);
    expect(r.stdout).toMatch(/1 of 2 channel\(s\) FAILED/);
    expect(r.stdout + r.stderr).not.toMatch(/s3cr3t|tk_notifytesttoken/);
    expect(hook.bodies()).toMatchObject([{ kind: 'test', severity: 'info', controller: { id: 'sim-terrarium' } }]);
    expect(hook.got[0].headers['idempotency-key']).toBe(hook.bodies()[0].id);

    // every channel reachable: exit 0
    const ok = await runCli(['notify', '--test', '--config', configFile({ webhook: { url: `${hook.url}/hook` } })]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/test alert delivered through 1 channel\(s\)/);
    expect(hook.got).toHaveLength(2);
  }, 60_000);

  it('refuses without --test, and names the missing alerts section (exit 2)', async () => {
    const noTest = await runCli(['notify', '--config', configFile({ webhook: { url: 'http://127.0.0.1:9/hook' } })]);
    expect(noTest.code).toBe(2);
    expect(noTest.stderr).toMatch(/--test/);
    const none = await runCli(['notify', '--test', '--config', configFile(undefined)]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/alerts: no alerts configured/);
  }, 60_000);
});
