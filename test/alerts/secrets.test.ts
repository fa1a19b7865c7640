import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Alerter } from '../../src/alerts/alerter.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { capturingLogger, Receiver, runFor, simConfig, smtpPeer } from './helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('alert secrets', () => {
  it('are sent to the receivers but never appear in the logs, while channels fail or succeed', async () => {
    const hook = await new Receiver().up();
    const ntfy = await new Receiver().up();
    const smtp = await smtpPeer({ user: 'keeper', password: 'SMTP-PASSWORD-S3CRET' });
    cleanups.push(() => hook.down(), () => ntfy.down(), () => smtp.close());
    hook.status = 503;
    ntfy.status = 401;
    const cfg = simConfig({
      webhook: { url: `${hook.url}/hook?token=WEBHOOK-QUERY-S3CRET`, headerFiles: { Authorization: 'webhook-auth' } },
      ntfy: { url: ntfy.url, topic: 'NTFY-TOPIC-S3CRET', tokenFile: 'ntfy-token' },
      email: { host: '127.0.0.1', port: smtp.port, requireTls: false, user: 'keeper', passwordFile: 'smtp-password', from: 'terrarium@example.org', to: ['keeper@example.org'] },
      minIntervalSeconds: 0,
    });
    // secret files next to the config file (relative paths resolve against its directory, a fresh temporary one)
    const configDir = dirname(cfg.file);
    expect(configDir).toBe(cfg.controller.stateDir);
    const secrets = { 'webhook-auth': 'Bearer HEADER-FILE-S3CRET', 'ntfy-token': 'tk_NTFY-TOKEN-S3CRET' };
    for (const [name, value] of Object.entries(secrets)) {
      writeFileSync(join(configDir, name), `${value}\n`, { mode: 0o600 });
    }
    writeFileSync(join(configDir, 'smtp-password'), 'SMTP-PASSWORD-WRONG\n', { mode: 0o600 });

    const lines: string[] = [];
    const clock = new VirtualClock(Date.parse('2026-06-01T22:00:00Z'));
    const alerter = new Alerter({ config: cfg, clock, log: capturingLogger(lines), random: new SeededRandom(1) });
    alerter.start();
    await clock.advance(0);
    await alerter.idle();
    // every channel failed once (503, 401, wrong SMTP password): logged with their reasons
    expect(lines.filter((l) => l.includes('alert delivery failed'))).toHaveLength(3);
    // fixed: the next retries go through
    hook.status = 200;
    ntfy.status = 200;
    writeFileSync(join(configDir, 'smtp-password'), 'SMTP-PASSWORD-S3CRET\n', { mode: 0o600 });
    for (let i = 0; i < 10 && (alerter.counts()?.pending ?? 0) > 0; i++) await runFor(clock, alerter, 60_000);
    expect(alerter.counts()).toMatchObject({ pending: 0, delivered: 3 });
    await alerter.stop();

    // the secrets did reach the receivers
    expect(hook.got.at(-1)?.url).toBe('/hook?token=WEBHOOK-QUERY-S3CRET');
    expect(hook.got.at(-1)?.headers.authorization).toBe('Bearer HEADER-FILE-S3CRET');
    expect(ntfy.got.at(-1)?.url).toBe('/NTFY-TOPIC-S3CRET');
    expect(ntfy.got.at(-1)?.headers.authorization).toBe('Bearer tk_NTFY-TOKEN-S3CRET');
    expect(smtp.mails).toHaveLength(1);
    // and none of them is in the logs
    expect(lines.filter((l) => l.includes('alert delivered'))).toHaveLength(3);
    const log = lines.join('\n');
    for (const s of ['WEBHOOK-QUERY-S3CRET', 'HEADER-FILE-S3CRET', 'NTFY-TOPIC-S3CRET', 'NTFY-TOKEN-S3CRET', 'SMTP-PASSWORD']) expect(log).not.toContain(s);
    expect(log).toContain(`${hook.url}/hook?…`);
  });
});
