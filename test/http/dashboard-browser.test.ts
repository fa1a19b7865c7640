import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryPoint, HistoryReader } from '../../src/history/types.js';
import { PASSWORD, dashboardRig } from './dashboard-rig.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Browser steps wait for the page this long at most (a login's scrypt check and a tick under load), ms. */
const POLL = { timeout: 20_000, interval: 50 };
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.REQUIRE_CHROMIUM) throw new Error(`REQUIRE_CHROMIUM is set but ${CHROMIUM} is missing: apt-get install chromium`);
if (!haveChromium) console.warn(`${CHROMIUM} not installed (Debian package \`chromium\`): skipping the dashboard browser tests`);

/** Span of the last range the charts asked for, ms. */
let askedSpan = 0;

/** A day-night wave every 15 min over the asked range, for the charts (°C, %RH). */
const waveHistory: HistoryReader = {
  points(_id, from, to): HistoryPoint[] {
    askedSpan = to - from;
    const out: HistoryPoint[] = [];
    const step = 15 * 60_000;
    for (let t = Math.ceil(from / step) * step; t < to; t += step) {
      const day = Math.sin((2 * Math.PI * t) / 86_400_000);
      out.push({ t, temperatureC: 27 + 3 * day, minC: 26.5 + 3 * day, maxC: 27.5 + 3 * day, humidityPct: 60 - 10 * day, setpointC: day > 0 ? 30 : 24, outputs: {}, mode: 'normal', phase: day > 0 ? 'day' : 'night' });
    }
    return out;
  },
  events: (id, _from, to) => [{ t: to - 3_600_000, enclosureId: id, type: 'feed', text: 'fed 1 cricket (feeder)' }],
};

const SIZES = [
  { name: 'phone', viewport: { width: 390, height: 844 } },
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
] as const;

const contexts: BrowserContext[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of contexts) await c.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs virtual time in the background (100 ms of it every few real ms) until `stop()`; the browser acts meanwhile. */
function pump(clock: { advance(ms: number): Promise<void> }) {
  let running = true;
  const loop = (async () => {
    while (running) {
      await clock.advance(100);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

async function launch(viewport: { width: number; height: number }): Promise<BrowserContext> {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
  dirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport, acceptDownloads: false });
  contexts.push(ctx);
  return ctx;
}

/** The card of one enclosure. */
const card = (page: Page, id: string) => page.locator(`article[data-enclosure="${id}"]`);

describe.skipIf(!haveChromium)('dashboard in a real browser (Chromium) against a controller on simulated hardware', () => {
  for (const size of SIZES) {
    it(`logs in, shows live values, acknowledges a fault, feeds, and shows a refused command's reason (${size.name} ${size.viewport.width}x${size.viewport.height})`, async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const rig = await dashboardRig({ crashFirst: true, history: waveHistory });
      const stopPump = pump(rig.clock);
      const ctx = await launch(size.viewport);
      const page = await ctx.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        // HTTP errors the test provokes (wrong password 401, refused command 409) are logged as resource errors; anything else (a CSP refusal, a script error) is a problem.
        if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of (401|409)/.test(m.text())) problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      try {
        await page.goto(`http://127.0.0.1:${rig.http.port}/`);
        await expect.poll(() => page.locator('#login').isVisible(), POLL).toBe(true);
        await page.fill('#password', 'not the password');
        await page.click('#login-form button[type="submit"]');
        await expect.poll(() => page.textContent('#login-error'), POLL).toBe('wrong password');
        await page.screenshot({ path: join(ARTIFACTS, `${size.name}-login.png`) });
        await page.fill('#password', PASSWORD);
        await page.click('#login-form button[type="submit"]');

        const gecko = card(page, 'gecko');
        await gecko.waitFor();
        await expect.poll(() => gecko.locator('[data-field="temperature"]').textContent(), POLL).toMatch(/^\d+\.\d °C$/);
        const shown = Number((await gecko.locator('[data-field="temperature"]').textContent())!.split(' ')[0]);
        const snap = rig.c.runtime('gecko')!.snapshot()!;
        expect(Math.abs(shown - snap.temperature!.value!)).toBeLessThan(0.5);
        expect(await gecko.locator('[data-field="humidity"]').textContent()).toMatch(/^\d+ %RH$/);
        expect(await gecko.locator('[data-field="phase"]').textContent()).toBe(snap.phase);
        expect(await gecko.locator('[data-field="temperature-band"]').textContent()).toContain(`safety ${snap.limits.minC}–${snap.limits.maxC} °C`);
        const digitless = (t: string) => t.replace(/\d+(\.\d+)?/g, 'N');
        expect(digitless((await gecko.locator('[data-field="outputs"] li[data-output="heater"] .out-reason').textContent())!)).toBe(digitless(rig.c.runtime('gecko')!.snapshot()!.actuators.heater!.reason));
        await expect.poll(() => gecko.locator('[data-field="chart"] canvas').count(), POLL).toBeGreaterThan(0);
        expect(await gecko.locator('[data-field="events"]').textContent()).toContain('fed 1 cricket (feeder)');
        await gecko.locator('[data-range="7d"]').click();
        await expect.poll(() => askedSpan, POLL).toBe(7 * 86_400_000);
        expect(await gecko.locator('[data-range="7d"]').getAttribute('aria-pressed')).toBe('true');

        // The crash left a latched fault: acknowledge it.
        await expect.poll(() => gecko.locator('[data-field="faults"]').textContent(), POLL).toMatch(/did not stop cleanly.*latched/);
        await gecko.locator('[data-action="acknowledge"]').click();
        await expect.poll(() => gecko.locator('[data-field="result"]').textContent(), POLL).toMatch(/^acknowledge: done \(acknowledged .*unclean-stop/);
        await expect.poll(() => gecko.locator('[data-field="faults"]').textContent(), POLL).not.toMatch(/latched/);

        // An output switch outside manual mode: refused, and the card says why.
        await gecko.locator('[data-field="outputs"] button[data-output="heater"]').click();
        await expect.poll(() => gecko.locator('[data-field="result"]').textContent(), POLL).toBe('output/heater: refused (manual output control needs manual mode)');
        await gecko.screenshot({ path: join(ARTIFACTS, `${size.name}-refused.png`) });

        // Feed now: the controller's final word is shown (fed, or skipped with its reason: the profile feeds only near the setpoint).
        await gecko.locator('[data-action="feed"]').click();
        await expect.poll(() => gecko.locator('[data-field="result"]').textContent(), POLL).toMatch(/^feed: (done|skipped|refused) \(.+\)$/);
        const feed = (await gecko.locator('[data-field="result"]').textContent())!;
        const lastFedAt = rig.c.runtime('gecko')!.snapshot()!.lastFedAt;
        if (feed.startsWith('feed: done')) await expect.poll(() => gecko.locator('[data-field="last-fed"]').textContent(), POLL).not.toBe('–');
        else expect(lastFedAt).toBeNull();

        // A setpoint override within the profile's bounds shows in the band.
        await gecko.locator('[data-field="setpoint-input"]').fill('27');
        await gecko.locator('[data-form="setpoint"] button[type="submit"]').click();
        await expect.poll(() => gecko.locator('[data-field="result"]').textContent(), POLL).toMatch(/^setpoint: done \(setpoint 27 °C until /);
        await expect.poll(() => gecko.locator('[data-field="temperature-band"]').textContent(), POLL).toMatch(/^setpoint 27\.0 °C \(override\)/);

        // Manual mode, then the switch acts.
        await gecko.locator('[data-action="mode"]').click();
        await expect.poll(() => gecko.locator('[data-field="mode"]').textContent(), POLL).toBe('manual');
        const heater = gecko.locator('[data-field="outputs"] li[data-output="heater"] .out-state');
        const before = await heater.textContent();
        await gecko.locator('[data-field="outputs"] button[data-output="heater"]').click();
        await expect.poll(() => heater.textContent(), POLL).not.toBe(before);
        expect(rig.c.runtime('gecko')!.snapshot()!.actuators.heater!.on).toBe(before === 'off');

        if (size.name === 'phone') expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(size.viewport.width);
        await page.screenshot({ path: join(ARTIFACTS, `${size.name}-dashboard.png`), fullPage: true });
        expect(problems).toEqual([]);

        await page.click('#logout');
        await expect.poll(() => page.locator('#login').isVisible(), POLL).toBe(true);
      } finally {
        await page.close();
        await stopPump();
        await rig.stop();
      }
    }, 90_000);
  }

  it('read-only without login (when enabled): live values and charts, no controls; log in for commands', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const rig = await dashboardRig({ http: { readOnlyWithoutLogin: true }, history: waveHistory });
    const stopPump = pump(rig.clock);
    const ctx = await launch({ width: 390, height: 844 });
    const page = await ctx.newPage();
    try {
      await page.goto(`http://127.0.0.1:${rig.http.port}/`);
      const gecko = card(page, 'gecko');
      await expect.poll(() => gecko.locator('[data-field="temperature"]').textContent(), POLL).toMatch(/^\d+\.\d °C$/);
      expect(await page.locator('#readonly-note').isVisible()).toBe(true);
      expect(await page.locator('#login').isVisible()).toBe(false);
      expect(await gecko.locator('section.controls').isVisible()).toBe(false);
      expect(await gecko.locator('[data-field="outputs"] button[data-output="heater"]').isVisible()).toBe(false);
      await expect.poll(() => gecko.locator('[data-field="chart"] canvas').count(), POLL).toBeGreaterThan(0);
      await page.screenshot({ path: join(ARTIFACTS, 'phone-read-only.png'), fullPage: true });

      await page.click('#show-login');
      await page.fill('#password', PASSWORD);
      await page.click('#login-form button[type="submit"]');
      await expect.poll(() => gecko.locator('section.controls').isVisible(), POLL).toBe(true);
      expect(await page.locator('#readonly-note').isVisible()).toBe(false);
      expect(await gecko.locator('[data-field="outputs"] button[data-output="heater"]').isEnabled()).toBe(true);
    } finally {
      await page.close();
      await stopPump();
      await rig.stop();
    }
  }, 90_000);

  it('without a password says to run `terrarium passwd`, and after too many attempts says so', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const rig = await dashboardRig({ password: null, http: { login: { maxAttempts: 2, windowMinutes: 15 } } });
    const stopPump = pump(rig.clock);
    const ctx = await launch({ width: 390, height: 844 });
    const page = await ctx.newPage();
    try {
      await page.goto(`http://127.0.0.1:${rig.http.port}/`);
      await expect.poll(() => page.locator('#no-password').isVisible(), POLL).toBe(true);
      expect(await page.locator('#no-password').textContent()).toContain('terrarium passwd');
      expect(await page.locator('#enclosures').isVisible()).toBe(false);
      await page.fill('#password', 'some password');
      await page.click('#login-form button[type="submit"]');
      await expect.poll(() => page.textContent('#login-error'), POLL).toMatch(/no dashboard password is set: run `terrarium passwd`/);
      await page.click('#login-form button[type="submit"]');
      await page.screenshot({ path: join(ARTIFACTS, 'phone-no-password.png') });
      await page.fill('#password', 'some password');
      await page.click('#login-form button[type="submit"]');
      await expect.poll(() => page.textContent('#login-error'), POLL).toMatch(/^too many login attempts from this address: try again in 15 min$/);
    } finally {
      await page.close();
      await stopPump();
      await rig.stop();
    }
  }, 90_000);
});
