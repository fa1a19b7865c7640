import { randomBytes } from 'node:crypto';
import type { Clock } from '../hal/clock.js';

/** Bytes of randomness in a session id (256 bits, base64url in the cookie). */
export const SESSION_ID_BYTES = 32;
/** Sessions kept at most; a new login beyond this ends the oldest (a keeper has few devices). */
export const MAX_SESSIONS = 64;

/**
 * Login sessions, in memory only (a restart logs everyone out). A session is a random id
 * ({@link SESSION_ID_BYTES} bytes from the CSPRNG) that expires `ttlMs` after the login on the
 * injected clock's monotonic time (wall-clock jumps neither extend nor end it). Ids are never
 * logged; the store holds nothing else.
 */
export class SessionStore {
  private readonly sessions = new Map<string, number>();

  /** @param ttlMs session lifetime, ms */
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** Starts a session; returns its id. */
  create(): string {
    this.prune();
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
    const id = randomBytes(SESSION_ID_BYTES).toString('base64url');
    this.sessions.set(id, this.clock.monotonic() + this.ttlMs);
    return id;
  }

  /** True when `id` names a live session (an expired one is removed). */
  valid(id: string | undefined): boolean {
    if (!id) return false;
    const expires = this.sessions.get(id);
    if (expires === undefined) return false;
    if (this.clock.monotonic() >= expires) {
      this.sessions.delete(id);
      return false;
    }
    return true;
  }

  /** Ends a session (logout); unknown ids are ignored. */
  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** Live sessions. */
  size(): number {
    this.prune();
    return this.sessions.size;
  }

  private prune(): void {
    const now = this.clock.monotonic();
    for (const [id, exp] of this.sessions) if (now >= exp) this.sessions.delete(id);
  }
}
