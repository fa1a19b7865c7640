import type { VirtualClock } from '../../../simulators/virtual-clock.js';

/**
 * Waits for `cond` with a bounded real-time timeout, polling every few ms; sockets need real time.
 * With `clock`, virtual time also advances by `stepMs` per poll, so timers on the injected clock
 * (reconnect backoff, discovery index grace) can fire while we wait.
 * @throws Error naming `what` when `timeoutMs` (default 5000) elapses first
 */
export async function waitFor(cond: () => boolean, what: string, opts: { clock?: VirtualClock; stepMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (opts.clock) await opts.clock.advance(opts.stepMs ?? 100);
    await new Promise((r) => setTimeout(r, 5));
  }
}
