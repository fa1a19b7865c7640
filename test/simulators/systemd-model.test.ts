import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { watchdogIntervalMs } from '../../src/app/systemd-notify.js';
import { SHIPPED_SYSTEMD } from '../../simulators/process-host.js';

/** The process-hang model supervises the simulated process as the shipped unit file does. */
describe('systemd model of the simulation runner', () => {
  it('uses the watchdog, keep-alive and restart figures of systemd/terrarium.service', () => {
    const unit = readFileSync('systemd/terrarium.service', 'utf8');
    const seconds = (key: string): number => Number(new RegExp(`^${key}=(\\d+)$`, 'm').exec(unit)?.[1]);
    expect(SHIPPED_SYSTEMD.watchdogMs).toBe(seconds('WatchdogSec') * 1000);
    expect(SHIPPED_SYSTEMD.restartMs).toBe(seconds('RestartSec') * 1000);
    // The keep-alive period the controller derives from the manager's WATCHDOG_USEC for that unit.
    expect(SHIPPED_SYSTEMD.keepAliveMs).toBe(watchdogIntervalMs({ WATCHDOG_USEC: String(seconds('WatchdogSec') * 1_000_000) }, 1));
  });
});
