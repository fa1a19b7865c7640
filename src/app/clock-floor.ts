/**
 * Wall time before which the clock is not trusted: a Pi without an RTC boots in 1970, or at the
 * last fake-hwclock save, until NTP steps it. This floor is the release year's start; anything
 * earlier cannot be now. No feeding and a safe lighting default until the clock passes it.
 */
export const CLOCK_PLAUSIBLE_AFTER = Date.UTC(2026, 0, 1);
