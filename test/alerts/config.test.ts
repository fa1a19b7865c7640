import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { simConfig } from './helpers.js';

/** The issues of a config with this `alerts` section. */
function issues(alerts: unknown): Array<{ path: string; message: string }> {
  try {
    simConfig(alerts as Record<string, unknown>);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('alerts configuration', () => {
  it('fills the defaults of a minimal section', () => {
    const cfg = simConfig({ ntfy: { topic: 'terrarium-7f3kq9x2m4' } });
    expect(cfg.alerts).toMatchObject({ ntfy: { url: 'https://ntfy.sh', topic: 'terrarium-7f3kq9x2m4', timeoutSeconds: 10 }, minIntervalSeconds: 600, maxQueued: 1000, retry: { minSeconds: 10, maxSeconds: 900 } });
    expect(simConfig({ email: { host: 'smtp.example.org', from: 'a@example.org', to: ['b@example.org'] } }).alerts?.email).toMatchObject({ port: 587, secure: false, requireTls: true });
  });

  it('is absent unless configured', () => {
    expect(simConfig(undefined as never).alerts).toBeUndefined();
  });

  it('names the path and the reason of each mistake', () => {
    expect(issues({})).toEqual([{ path: 'alerts', message: expect.stringMatching(/at least one channel/) }]);
    expect(issues({ webhook: { url: 'ftp://example.org/x' } })).toEqual([{ path: 'alerts.webhook.url', message: expect.stringMatching(/http/) }]);
    expect(issues({ webhook: { url: 'https://user:pw@example.org/x' } })).toEqual([{ path: 'alerts.webhook.url', message: expect.stringMatching(/no credentials in the URL/) }]);
    expect(issues({ webhook: { url: 'https://example.org/x', headers: { Authorization: 'Bearer abc' } } })).toEqual([{ path: 'alerts.webhook.headers.Authorization', message: expect.stringMatching(/headerFiles/) }]);
    expect(issues({ ntfy: { topic: 'has space' } })).toEqual([{ path: 'alerts.ntfy.topic', message: expect.stringMatching(/letters, digits/) }]);
    expect(issues({ ntfy: { topic: 't', token: 'tk_x' } })).toEqual([{ path: 'alerts.ntfy', message: expect.stringMatching(/unknown key "token"/) }]);
    expect(issues({ email: { host: 'h', from: 'a@example.org', to: [] } })).toEqual([{ path: 'alerts.email.to', message: expect.any(String) }]);
    expect(issues({ email: { host: 'h', from: 'not an address', to: ['b@example.org'] } })).toEqual([{ path: 'alerts.email.from', message: expect.stringMatching(/e-mail address/) }]);
    expect(issues({ email: { host: 'h', user: 'u', from: 'a@example.org', to: ['b@example.org'] } })).toEqual([{ path: 'alerts.email.passwordFile', message: expect.stringMatching(/go together/) }]);
    expect(issues({ ntfy: { topic: 't' }, retry: { minSeconds: 100, maxSeconds: 10 } })).toEqual([{ path: 'alerts.retry.maxSeconds', message: expect.stringMatching(/must not exceed/) }]);
  });
});
