import { utcOffsetMs } from '../../src/control/local-time.js';
import { InvalidTimezoneError } from './errors.js';

/** Every IANA zone changes its UTC offset only at multiples of 15 minutes, so a cache per slot is exact. */
const SLOT_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Local time of day in an IANA time zone, cheap enough to call on every physics sub-step: the UTC
 * offset is looked up with the controller's `utcOffsetMs` once per 15-minute slot of wall time and cached
 * (a DST change, always on a 15-minute boundary, is picked up at the first call after it).
 */
export class LocalTime {
  private slot = Number.NaN;
  private offset = 0;

  /** @param timezone IANA zone, e.g. `Europe/Berlin`; checked on first use. */
  constructor(readonly timezone: string) {}

  /** UTC offset of the zone at wall ms `wallMs`, ms (e.g. +7 200 000 for CEST). */
  offsetMs(wallMs: number): number {
    const slot = Math.floor(wallMs / SLOT_MS);
    if (slot !== this.slot) {
      this.offset = this.lookUpOffset(wallMs);
      this.slot = slot;
    }
    return this.offset;
  }

  /** Local hour of day as a fraction, 0 <= h < 24 (e.g. 13.5 at 13:30 local). */
  hourOfDay(wallMs: number): number {
    const local = wallMs + this.offsetMs(wallMs);
    const msOfDay = ((local % DAY_MS) + DAY_MS) % DAY_MS;
    return msOfDay / HOUR_MS;
  }

  /** Wall ms shifted so that reading it as UTC gives the local date and time (for charts). */
  toLocalAsUtc(wallMs: number): number {
    return wallMs + this.offsetMs(wallMs);
  }

  private lookUpOffset(wallMs: number): number {
    try {
      return utcOffsetMs(wallMs, this.timezone);
    } catch (e) {
      throw new InvalidTimezoneError(this.timezone, e);
    }
  }
}
