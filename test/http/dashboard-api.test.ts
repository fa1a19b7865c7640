import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { passwdCommand } from '../../src/cli/passwd.js';
import { defaultPasswordFile, parsePasswordHash, verifyPassword } from '../../src/http/password.js';
import { HttpService } from '../../src/app/http.js';
import type { HistoryReader } from '../../src/history/types.js';
import { silentLogger } from '../../src/app/logger.js';
import { Controller } from '../../src/app/controller.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { drive } from '../../simulators/run-simulation.js';
import { PASSWORD, cookiesOf, dashboardConfig, dashboardRig } from './dashboard-rig.js';

type Rig = Awaited<ReturnType<typeof dashboardRig>>;

/** A visitor with a cookie jar talking to the endpoint through fastify's `inject`. */
function visitor(rig: Rig, remoteAddress = '127.0.0.1') {
  const jar: Record<string, string> = {};
  let csrf = '';
  const send = async (method: 'GET' | 'POST', url: string, body?: unknown, o: { csrf?: boolean } = {}) => {
    const headers: Record<string, string> = {};
    if (method === 'POST' && o.csrf !== false) headers['x-csrf-token'] = csrf;
    const p = rig.http.server!.inject({ method, url, remoteAddress, cookies: { ...jar }, headers, ...(body !== undefined ? { payload: body as object } : {}) });
    const res = await p;
    Object.assign(jar, cookiesOf(res.headers['set-cookie']));
    return { status: res.statusCode, json: () => res.json(), headers: res.headers, body: res.body };
  };
  return {
    jar,
    send,
    csrf: () => csrf,
    async session() {
      const r = await send('GET', '/api/session');
      csrf = r.json().csrfToken;
      return r.json();
    },
    /** Sends a command while virtual time runs (the answer may wait for a later tick). */
    async command(id: string, path: string, payload: unknown = {}) {
      const p = send('POST', `/api/enclosures/${id}/commands/${path}`, payload);
      let done = false;
      void p.finally(() => (done = true));
      for (let i = 0; i < 100 && !done; i++) await rig.clock.advance(100);
      return p;
    },
  };
}

describe('dashboard API: login, sessions, CSRF, rate limiting, read-only mode', () => {
  it('without a password on loopback: probes and metrics answer, the dashboard API asks for `terrarium passwd` first', async () => {
    const rig = await dashboardRig({ password: null });
    try {
      const v = visitor(rig);
      expect((await v.send('GET', '/health/live')).status).toBe(200);
      expect((await v.send('GET', '/metrics')).status).toBe(200);
      const s = await v.session();
      expect(s).toMatchObject({ authenticated: false, passwordSet: false, readOnlyWithoutLogin: false });
      expect((await v.send('GET', '/api/enclosures')).status).toBe(401);
      const login = await v.send('POST', '/api/login', { password: 'anything at all' });
      expect(login.status).toBe(409);
      expect(login.json().error).toMatch(/terrarium passwd/);
    } finally {
      await rig.stop();
    }
  });

  it('logs in with the password (HttpOnly, SameSite=Strict session cookie), refuses a wrong one and a missing CSRF token, and logs out', async () => {
    const rig = await dashboardRig();
    try {
      const v = visitor(rig);
      await v.session();
      expect((await v.send('POST', '/api/login', { password: PASSWORD }, { csrf: false })).status).toBe(403);
      const wrong = await v.send('POST', '/api/login', { password: 'not the password' });
      expect(wrong.status).toBe(401);
      expect(wrong.json().error).toBe('wrong password');
      const ok = await v.send('POST', '/api/login', { password: PASSWORD });
      expect(ok.status).toBe(200);
      const cookie = [ok.headers['set-cookie']].flat().find((h) => String(h).startsWith('terrarium_session='))!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).not.toMatch(/Secure/); // plain HTTP on loopback
      expect((await v.session()).authenticated).toBe(true);

      const view = await v.send('GET', '/api/enclosures');
      expect(view.status).toBe(200);
      const gecko = view.json().enclosures.find((e: { id: string }) => e.id === 'gecko');
      expect(gecko.snapshot.temperature.value).toBeCloseTo(rig.c.runtime('gecko')!.snapshot()!.temperature!.value!, 6);
      expect(view.json().canCommand).toBe(true);

      // A state-changing request with the session but no CSRF token is refused and changes nothing.
      const forged = await v.send('POST', '/api/enclosures/gecko/commands/mode', { mode: 'manual' }, { csrf: false });
      expect(forged.status).toBe(403);
      await rig.clock.advance(2_000);
      expect(rig.c.runtime('gecko')!.snapshot()!.mode).not.toBe('manual');

      expect((await v.send('POST', '/api/logout', {})).status).toBe(200);
      expect((await v.send('GET', '/api/enclosures')).status).toBe(401);
      expect((await v.session()).authenticated).toBe(false);
    } finally {
      await rig.stop();
    }
  });

  it('refuses a password file other users can read, saying what to do', async () => {
    const rig = await dashboardRig();
    try {
      chmodSync(defaultPasswordFile(rig.config.controller.stateDir), 0o644);
      const v = visitor(rig);
      const s = await v.send('GET', '/api/session');
      expect(s.status).toBe(500);
      expect(s.json().error).toMatch(/http-password is readable by other users \(mode 644\): chmod 600 it or run `terrarium passwd` again/);
    } finally {
      await rig.stop();
    }
  });

  it('ends a session on the server after http.sessionMinutes of (virtual) time', async () => {
    const rig = await dashboardRig({ http: { sessionMinutes: 30 } });
    try {
      const v = visitor(rig);
      await v.session();
      expect((await v.send('POST', '/api/login', { password: PASSWORD })).status).toBe(200);
      await rig.clock.advance(29 * 60_000);
      expect((await v.send('GET', '/api/enclosures')).status).toBe(200);
      await rig.clock.advance(61_000);
      expect((await v.send('GET', '/api/enclosures')).status).toBe(401);
      expect((await v.session()).authenticated).toBe(false);
    } finally {
      await rig.stop();
    }
  });

  it('rate-limits login attempts per client address with a clear "too many attempts" message', async () => {
    const rig = await dashboardRig({ http: { login: { maxAttempts: 3, windowMinutes: 15 } } });
    try {
      const a = visitor(rig, '192.0.2.10');
      await a.session();
      for (let i = 0; i < 3; i++) expect((await a.send('POST', '/api/login', { password: `guess ${i}` })).status).toBe(401);
      const blocked = await a.send('POST', '/api/login', { password: PASSWORD });
      expect(blocked.status).toBe(429);
      expect(blocked.json().error).toMatch(/too many login attempts from this address: try again in 15 min/);
      const b = visitor(rig, '192.0.2.11'); // another address is not blocked
      await b.session();
      expect((await b.send('POST', '/api/login', { password: PASSWORD })).status).toBe(200);
    } finally {
      await rig.stop();
    }
  });

  it('read-only without login (only when enabled): live values readable, commands refused', async () => {
    const rig = await dashboardRig({ http: { readOnlyWithoutLogin: true } });
    try {
      const v = visitor(rig);
      const s = await v.session();
      expect(s).toMatchObject({ authenticated: false, readOnlyWithoutLogin: true });
      const view = await v.send('GET', '/api/enclosures');
      expect(view.status).toBe(200);
      expect(view.json().canCommand).toBe(false);
      expect((await v.send('GET', '/api/enclosures/gecko/history?range=24h')).status).toBe(200);
      const cmd = await v.command('gecko', 'mode', { mode: 'manual' });
      expect(cmd.status).toBe(401);
      await rig.clock.advance(2_000);
      expect(rig.c.runtime('gecko')!.snapshot()!.mode).not.toBe('manual');
    } finally {
      await rig.stop();
    }
  });

  it('bound beyond loopback: /api/status and /metrics are a read-only view behind the login unless opened by choice; probes stay open', async () => {
    for (const open of [false, true]) {
      const rig = await dashboardRig({ http: { host: '0.0.0.0', metricsWithoutLogin: open, readOnlyWithoutLogin: open } });
      try {
        const v = visitor(rig, '192.0.2.7');
        expect((await v.send('GET', '/health/live')).status).toBe(200);
        expect((await v.send('GET', '/health/ready')).status).toBe(200);
        expect((await v.send('GET', '/metrics')).status).toBe(open ? 200 : 401);
        expect((await v.send('GET', '/api/status')).status).toBe(open ? 200 : 401);
        await v.session();
        expect((await v.send('POST', '/api/login', { password: PASSWORD })).status).toBe(200);
        expect((await v.send('GET', '/metrics')).status).toBe(200);
        expect((await v.send('GET', '/api/status')).status).toBe(200);
      } finally {
        await rig.stop();
      }
    }
  });

  it('serves the dashboard files and uPlot from memory with ETags, and nothing else from disk', async () => {
    const rig = await dashboardRig({ password: null });
    try {
      const v = visitor(rig);
      const page = await v.send('GET', '/');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('<script type="module"');
      expect((await v.send('GET', '/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
      const uplot = await v.send('GET', '/vendor/uplot/uPlot.esm.js');
      expect(uplot.status).toBe(200);
      const again = await rig.http.server!.inject({ method: 'GET', url: '/vendor/uplot/uPlot.esm.js', headers: { 'if-none-match': String(uplot.headers.etag) } });
      expect(again.statusCode).toBe(304);
      for (const url of ['/../package.json', '/%2e%2e/package.json', '/vendor/uplot/uPlot.d.ts', '/vendor/uplot/../../package.json', '/web/index.html', '/config.json']) {
        expect((await v.send('GET', url)).status, url).toBe(404);
      }
    } finally {
      await rig.stop();
    }
  });

  it('refuses to start bound beyond loopback without a password, and starts once one is set', async () => {
    const config = dashboardConfig({ host: '0.0.0.0' });
    const clock = new VirtualClock(Date.parse('2026-06-01T10:00:00Z'));
    const world = new SimWorld(config, clock);
    const c = new Controller({ config, hardware: world.hardware(), log: silentLogger() });
    await drive(clock, c.start());
    try {
      const http = new HttpService({ config, clock, log: silentLogger() });
      await expect(http.start(c, clock.monotonic())).rejects.toMatchObject({ code: 'HTTP_PASSWORD_REQUIRED', message: expect.stringMatching(/0\.0\.0\.0.*no dashboard password is set.*terrarium passwd/) });
      expect(http.port).toBeUndefined();

      const stdin = new PassThrough();
      stdin.end(`${PASSWORD}\n`);
      const out = new PassThrough();
      const err = new PassThrough();
      const file = defaultPasswordFile(config.controller.stateDir);
      expect(await passwdCommand({ config: join(config.controller.stateDir, 'config.json') }, { stdin, stdout: out, stderr: err })).toBe(0);
      expect(String(out.read())).toMatch(/dashboard password set/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const stored = readFileSync(file, 'utf8');
      expect(stored).toMatch(/^scrypt\$8192\$8\$10\$/);
      expect(stored).not.toContain(PASSWORD);

      await http.start(c, clock.monotonic());
      try {
        expect(http.port).toBeGreaterThan(0);
      } finally {
        await http.stop();
      }
    } finally {
      await drive(clock, c.stop());
    }
  });
});

describe('dashboard API: commands through the controller, history, headers, logs', () => {
  it('runs commands like MQTT: refused output switch outside manual mode, feed, acknowledge, manual switch; allowedCommands applies', async () => {
    const rig = await dashboardRig({ crashFirst: true, http: { allowedCommands: ['mode', 'output', 'feed', 'acknowledge'] } });
    try {
      const v = visitor(rig);
      await v.session();
      await v.send('POST', '/api/login', { password: PASSWORD });

      const refused = await v.command('gecko', 'output/heater', { on: true });
      expect(refused.status).toBe(409);
      expect(refused.json()).toMatchObject({ ok: false, final: true, outcome: 'refused', reason: 'manual output control needs manual mode', command: 'output/heater', enclosureId: 'gecko' });

      const invalid = await v.command('gecko', 'mode', { mode: 'turbo' });
      expect(invalid.status).toBe(400);
      expect(invalid.json().outcome).toBe('rejected');

      const disabled = await v.command('gecko', 'setpoint', { valueC: 27 });
      expect(disabled.json()).toMatchObject({ ok: false, outcome: 'rejected' });
      expect(disabled.json().reason).toMatch(/disabled.*http\.allowedCommands/);

      expect(rig.c.runtime('gecko')!.snapshot()!.faults.some((f) => f.latched && f.kind === 'unclean-stop')).toBe(true);
      const ack = await v.command('gecko', 'acknowledge');
      expect(ack.status).toBe(200);
      expect(ack.json().detail).toMatch(/acknowledged .*unclean-stop/);
      await rig.clock.advance(2_000);
      expect(rig.c.runtime('gecko')!.snapshot()!.faults.filter((f) => f.latched)).toEqual([]);

      const feed = await v.command('gecko', 'feed');
      expect(feed.json().final).toBe(true);
      expect(feed.json().command).toBe('feed');

      expect((await v.command('gecko', 'mode', { mode: 'manual' })).json()).toMatchObject({ ok: true, final: true });
      await rig.clock.advance(2_000);
      const heaterOn = rig.c.runtime('gecko')!.snapshot()!.actuators.heater!.on;
      const sw = await v.command('gecko', 'output/heater', { on: !heaterOn });
      expect(sw.json(), JSON.stringify(sw.json())).toMatchObject({ ok: true, final: true, command: 'output/heater' });
      await rig.clock.advance(2_000);
      expect(rig.c.runtime('gecko')!.snapshot()!.actuators.heater!.on).toBe(!heaterOn);
    } finally {
      await rig.stop();
    }
  });

  it('serves history for 24h, 7d and 30d from the HistoryReader, and says when history is off', async () => {
    const calls: Array<[string, number, number]> = [];
    const reader: HistoryReader = {
      points: (id, from, to) => {
        calls.push([id, from, to]);
        return [{ t: from, temperatureC: 27, minC: 26.5, maxC: 27.5, humidityPct: 60, setpointC: 28, outputs: { heater: 0.5 }, mode: 'normal', phase: 'day' }];
      },
      events: () => [{ t: 1, enclosureId: 'gecko', type: 'feed', text: 'fed' }],
    };
    const rig = await dashboardRig({ history: reader });
    const off = await dashboardRig();
    try {
      const v = visitor(rig);
      await v.session();
      await v.send('POST', '/api/login', { password: PASSWORD });
      const now = rig.clock.now();
      for (const [range, days] of [['24h', 1], ['7d', 7], ['30d', 30]] as const) {
        const r = await v.send('GET', `/api/enclosures/gecko/history?range=${range}`);
        expect(r.status).toBe(200);
        expect(r.json()).toMatchObject({ enabled: true, range, points: [{ temperatureC: 27 }], events: [{ type: 'feed' }] });
        expect(calls.at(-1)).toEqual(['gecko', now - days * 86_400_000, now]);
      }
      expect((await v.send('GET', '/api/enclosures/gecko/history?range=1y')).status).toBe(400);

      const w = visitor(off);
      await w.session();
      await w.send('POST', '/api/login', { password: PASSWORD });
      const r = await w.send('GET', '/api/enclosures/gecko/history?range=7d');
      expect(r.json()).toMatchObject({ enabled: false, points: [] });
      expect(r.json().message).toMatch(/history is off/);
    } finally {
      await rig.stop();
      await off.stop();
    }
  });

  it('serves the dashboard and uPlot with a strict same-origin CSP and security headers', async () => {
    const rig = await dashboardRig();
    try {
      const v = visitor(rig);
      const page = await v.send('GET', '/');
      expect(page.status).toBe(200);
      expect(page.body).toMatch(/<script type="module" src="\/app.js">/);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      const uplot = await v.send('GET', '/vendor/uplot/uPlot.esm.js');
      expect(uplot.status).toBe(200);
      expect(uplot.headers['content-type']).toMatch(/javascript/);
      expect((await v.send('GET', '/vendor/uplot/package.json')).status).toBe(404);
    } finally {
      await rig.stop();
    }
  });

  it('never logs the password, the session id or the CSRF secret', async () => {
    const rig = await dashboardRig({ http: { host: '::1' } });
    try {
      const v = visitor(rig);
      await v.session();
      await v.send('POST', '/api/login', { password: 'a wrong password here' });
      await v.send('POST', '/api/login', { password: PASSWORD });
      await v.command('gecko', 'output/heater', { on: true });
      await v.send('POST', '/api/logout', {});
      const all = rig.logs.join('');
      expect(all).toMatch(/http endpoint listening/);
      expect(Object.keys(v.jar).length).toBeGreaterThanOrEqual(2);
      for (const secret of [PASSWORD, 'a wrong password here', ...Object.values(v.jar).filter((s) => s.length > 0)]) expect(all).not.toContain(secret);
    } finally {
      await rig.stop();
    }
  });
});

describe('terrarium passwd', () => {
  /** A fake terminal: answers each prompt with the next line, records raw-mode switches and what was echoed. */
  function terminal(lines: string[]) {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[], setRawMode(r: boolean) {
      stdin.raw.push(r);
      return stdin;
    } });
    let echoed = '';
    const stdout = new Writable({
      write(chunk: Buffer, _e, cb) {
        echoed += chunk.toString();
        if (/: $/.test(chunk.toString())) setImmediate(() => stdin.write(`${lines.shift() ?? ''}\r`));
        cb();
      },
    });
    return { stdin, stdout, echoed: () => echoed };
  }

  it('on a terminal asks twice without echo, and changes nothing when the two differ', async () => {
    const config = dashboardConfig();
    const file = defaultPasswordFile(config.controller.stateDir);
    const errs: string[] = [];
    const stderr = new Writable({ write: (c: Buffer, _e, cb) => (errs.push(c.toString()), cb()) });
    const t1 = terminal(['first password', 'second password']);
    expect(await passwdCommand({ config: join(config.controller.stateDir, 'config.json') }, { stdin: t1.stdin, stdout: t1.stdout, stderr })).toBe(1);
    expect(errs.join('')).toMatch(/the passwords differ; nothing changed/);
    expect(existsSync(file)).toBe(false);

    const t2 = terminal(['same password', 'same password']);
    expect(await passwdCommand({ config: join(config.controller.stateDir, 'config.json') }, { stdin: t2.stdin, stdout: t2.stdout, stderr })).toBe(0);
    expect(t2.echoed()).toMatch(/New dashboard password: [\s\S]*Repeat it: /);
    expect(t2.echoed()).not.toContain('same password');
    expect(t2.stdin.raw).toEqual([true, false, true, false]);
    const hash = parsePasswordHash(readFileSync(file, 'utf8'), file);
    expect(await verifyPassword('same password', hash)).toBe(true);
    expect(await verifyPassword('same passwore', hash)).toBe(false);

    const t3 = terminal(['short', 'short']);
    expect(await passwdCommand({ config: join(config.controller.stateDir, 'config.json') }, { stdin: t3.stdin, stdout: t3.stdout, stderr })).toBe(1);
    expect(errs.join('')).toMatch(/at least 8 characters/);
  });
});

describe('dashboard API: HTTPS directly or behind a proxy', () => {
  const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
  it.skipIf(!haveOpenssl)('serves HTTPS with tls.certFile/keyFile: Secure session cookie, HSTS; unreadable files refuse the start by config path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-tls-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    const rig = await dashboardRig({ http: { tls: { certFile: cert, keyFile: key } } });
    try {
      const get = (path: string, headers: Record<string, string> = {}) =>
        new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
          const req = httpsRequest({ host: '127.0.0.1', port: rig.http.port, path, ca: readFileSync(cert), headers }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          });
          req.on('error', reject);
          req.end();
        });
      const s = await get('/api/session');
      expect(s.status).toBe(200);
      expect(s.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(String(s.headers['content-security-policy'])).toMatch(/upgrade-insecure-requests/);
      const v = visitor(rig);
      await v.session();
      const ok = await v.send('POST', '/api/login', { password: PASSWORD });
      expect([ok.headers['set-cookie']].flat().find((h) => String(h).startsWith('terrarium_session='))).toMatch(/; Secure/);
    } finally {
      await rig.stop();
    }
    await expect(dashboardRig({ http: { tls: { certFile: join(dir, 'missing.pem'), keyFile: key } } })).rejects.toMatchObject({ code: 'HTTP_TLS', message: expect.stringMatching(/^http\.tls\.certFile: cannot read .*missing\.pem \(ENOENT\)/) });
  });

  it('behind an HTTPS proxy: Secure cookie, and rate limiting by the forwarded address only from a loopback proxy', async () => {
    const rig = await dashboardRig({ http: { behindHttpsProxy: true, login: { maxAttempts: 2, windowMinutes: 15 } } });
    try {
      const proxied = (client: string) => {
        const v = visitor(rig, '127.0.0.1');
        const send = v.send;
        return { ...v, login: (password: string) => rig.http.server!.inject({ method: 'POST', url: '/api/login', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': client, 'x-csrf-token': v.csrf() }, cookies: { ...v.jar }, payload: { password } }), send };
      };
      const a = proxied('198.51.100.7');
      await a.session();
      expect((await a.login('guess one')).statusCode).toBe(401);
      expect((await a.login('guess two')).statusCode).toBe(401);
      expect((await a.login(PASSWORD)).statusCode).toBe(429);
      const b = proxied('198.51.100.8'); // another client behind the same proxy
      await b.session();
      const ok = await b.login(PASSWORD);
      expect(ok.statusCode).toBe(200);
      expect([ok.headers['set-cookie']].flat().find((h) => String(h).startsWith('terrarium_session='))).toMatch(/; Secure/);

      // A peer that is not a loopback proxy cannot pick its address with X-Forwarded-For.
      const direct = visitor(rig, '192.0.2.50');
      await direct.session();
      for (const [i, xff] of ['203.0.113.1', '203.0.113.2'].entries()) {
        const r = await rig.http.server!.inject({ method: 'POST', url: '/api/login', remoteAddress: '192.0.2.50', headers: { 'x-forwarded-for': xff, 'x-csrf-token': direct.csrf() }, cookies: { ...direct.jar }, payload: { password: `guess ${i}` } });
        expect(r.statusCode).toBe(401);
      }
      const third = await rig.http.server!.inject({ method: 'POST', url: '/api/login', remoteAddress: '192.0.2.50', headers: { 'x-forwarded-for': '203.0.113.3', 'x-csrf-token': direct.csrf() }, cookies: { ...direct.jar }, payload: { password: PASSWORD } });
      expect(third.statusCode).toBe(429);
    } finally {
      await rig.stop();
    }
  });
});
