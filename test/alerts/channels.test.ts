import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmailChannel } from '../../src/alerts/email.js';
import { NtfyChannel } from '../../src/alerts/ntfy.js';
import type { Alert } from '../../src/alerts/types.js';
import { EmailSchema, NtfySchema } from '../../src/config/alerts-schema.js';
import { SystemClock } from '../../src/hal/system-clock.js';
import { Receiver, smtpPeer } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'alert-channels-'));
writeFileSync(join(dir, 'ntfy-token'), 'tk_abcdefghijklmnopqrstuvwxyz012\n', { mode: 0o600 });
writeFileSync(join(dir, 'smtp-password'), 'correct horse battery\n', { mode: 0o600 });

const alert: Alert = {
  id: '5b0e6c4e-8a52-4a8b-9d4b-1c2d3e4f5a6b',
  kind: 'fault.over-temperature',
  severity: 'critical',
  enclosureId: 'gecko',
  component: 'heater',
  title: 'Gecko: over-temperature 48.2 °C (heater)',
  message: 'heater: limit probe above 45 °C',
  at: Date.parse('2026-06-01T22:14:03Z'),
  controllerId: 'sim-terrarium',
  controllerName: 'Simulated terrarium',
  folded: 2,
};

/** RFC 2047 "B" encoded word back to text (what ntfy does with such a header). */
function decodeWord(v: string): string {
  const m = /^=\?UTF-8\?B\?([^?]*)\?=$/.exec(v);
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : v;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('ntfy channel', () => {
  it("publishes per ntfy's API: POST <url>/<topic>, Title, Priority, Tags and a Bearer token from the token file", async () => {
    const ntfy = await new Receiver().up();
    cleanups.push(() => ntfy.down());
    const ch = new NtfyChannel(NtfySchema.parse({ url: `${ntfy.url}/`, topic: 'terrarium-7f3kq9x2m4', tokenFile: 'ntfy-token' }), new SystemClock(), dir);
    await ch.send(alert);
    expect(ntfy.got).toHaveLength(1);
    const r = ntfy.got[0];
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/terrarium-7f3kq9x2m4');
    expect(decodeWord(String(r.headers.title))).toBe('Simulated terrarium: Gecko: over-temperature 48.2 °C (heater) (+2)');
    expect(r.headers.priority).toBe('5');
    expect(String(r.headers.tags).split(',')).toEqual(['rotating_light', 'terrarium', 'gecko']);
    expect(r.headers.authorization).toBe('Bearer tk_abcdefghijklmnopqrstuvwxyz012');
    expect(r.headers['x-alert-id']).toBe(alert.id);
    expect(r.body).toMatch(/^heater: limit probe above 45 °C\n/);
    expect(r.body).toMatch(/2 more alerts of this kind were folded/);
    expect(r.body).toMatch(new RegExp(`alert ${alert.id}$`));
    // the topic (as good as a password on a public server) is not part of what is logged
    expect(ch.target).toBe(`${ntfy.url}/<topic>`);
  });

  it('sends no Authorization without a token file, and a warning as priority 4', async () => {
    const ntfy = await new Receiver().up();
    cleanups.push(() => ntfy.down());
    const ch = new NtfyChannel(NtfySchema.parse({ url: ntfy.url, topic: 'plain' }), new SystemClock(), dir);
    await ch.send({ ...alert, severity: 'warning', title: 'water low', folded: 0 });
    expect(ntfy.got[0].headers.authorization).toBeUndefined();
    expect(ntfy.got[0].headers.priority).toBe('4');
    expect(ntfy.got[0].headers.title).toBe('Simulated terrarium: water low');
  });

  it('reports a refused token as a failure (HTTP 401), to be retried', async () => {
    const ntfy = await new Receiver().up();
    cleanups.push(() => ntfy.down());
    ntfy.status = 401;
    const ch = new NtfyChannel(NtfySchema.parse({ url: ntfy.url, topic: 'plain', tokenFile: 'ntfy-token' }), new SystemClock(), dir);
    await expect(ch.send(alert)).rejects.toMatchObject({ code: 'ALERT_DELIVERY', message: expect.stringMatching(/HTTP 401/) });
  });
});

describe('e-mail channel', () => {
  it('delivers through a real SMTP server with the login from the password file, the alert id as Message-ID', async () => {
    const smtp = await smtpPeer({ user: 'terrarium@example.org', password: 'correct horse battery' });
    cleanups.push(() => smtp.close());
    const cfg = EmailSchema.parse({ host: '127.0.0.1', port: smtp.port, requireTls: false, user: 'terrarium@example.org', passwordFile: 'smtp-password', from: 'terrarium@example.org', to: ['keeper@example.org', 'sitter@example.org'] });
    await new EmailChannel(cfg, new SystemClock(), dir).send({ ...alert, title: 'Gecko: over-temperature (heater)' });
    expect(smtp.mails).toHaveLength(1);
    const m = { ...smtp.mails[0], raw: smtp.mails[0].raw.replace(/=\r?\n/g, '') }; // quoted-printable soft breaks
    expect(m.user).toBe('terrarium@example.org');
    expect(m.from).toBe('terrarium@example.org');
    expect(m.to).toEqual(['keeper@example.org', 'sitter@example.org']);
    expect(m.raw).toMatch(new RegExp(`^Message-ID: <${alert.id}@terrarium>`, 'mi'));
    expect(m.raw).toMatch(new RegExp(`^X-Alert-Id: ${alert.id}`, 'mi'));
    expect(m.raw).toMatch(/^Subject: Simulated terrarium: Gecko: over-temperature \(heater\) \(\+2\)\r?$/m);
    expect(m.raw).toMatch(/limit probe above 45/);
  });

  it('fails with the reason when the login is refused, and never sends without STARTTLS when TLS is required', async () => {
    const smtp = await smtpPeer({ user: 'terrarium@example.org', password: 'another password' });
    cleanups.push(() => smtp.close());
    const base = { host: '127.0.0.1', port: smtp.port, user: 'terrarium@example.org', passwordFile: 'smtp-password', from: 'terrarium@example.org', to: ['keeper@example.org'] };
    const wrong = new EmailChannel(EmailSchema.parse({ ...base, requireTls: false }), new SystemClock(), dir);
    await expect(wrong.send(alert)).rejects.toMatchObject({ code: 'ALERT_DELIVERY', permanent: false, message: expect.stringMatching(/EAUTH/) });
    const tls = new EmailChannel(EmailSchema.parse(base), new SystemClock(), dir);
    await expect(tls.send(alert)).rejects.toMatchObject({ code: 'ALERT_DELIVERY', message: expect.stringMatching(/ETLS/) });
    expect(smtp.mails).toEqual([]);
  });
});
