/**
 * PCA9685 register map and PWM arithmetic, per NXP PCA9685 product data sheet Rev. 4 (16 April 2015):
 * §7.3 register descriptions (Table 4), §7.3.1 MODE1, §7.3.2 MODE2, §7.3.3 LED outputs and PWM
 * control, §7.3.5 PWM frequency PRE_SCALE. Shared by the driver and the simulator.
 */

/** MODE1 (§7.3.1, Table 5); power-on value 0x11 (SLEEP | ALLCALL). */
export const REG_MODE1 = 0x00;
/** MODE2 (§7.3.2, Table 6); power-on value 0x04 (OUTDRV). */
export const REG_MODE2 = 0x01;
/** LED0_ON_L; channel n's four registers ON_L, ON_H, OFF_L, OFF_H start at 0x06 + 4n (Table 4). */
export const REG_LED0_ON_L = 0x06;
/** ALL_LED_ON_L .. ALL_LED_OFF_H: write-only broadcast to every channel (§7.3.4). */
export const REG_ALL_LED_ON_L = 0xfa;
/** PRE_SCALE (§7.3.5): writable only while MODE1.SLEEP = 1; power-on value 0x1E (200 Hz). */
export const REG_PRE_SCALE = 0xfe;

/** MODE1 bits (§7.3.1, Table 5). */
export const MODE1_RESTART = 0x80;
export const MODE1_EXTCLK = 0x40;
/** Register auto-increment: needed for the 4-byte LEDn block writes. */
export const MODE1_AI = 0x20;
/** Low-power mode, oscillator off; PRE_SCALE can only be written in this state. */
export const MODE1_SLEEP = 0x10;
export const MODE1_ALLCALL = 0x01;

/** MODE2 bits (§7.3.2, Table 6). */
export const MODE2_INVRT = 0x10;
export const MODE2_OCH = 0x08;
/** Totem-pole outputs (servo signal, LED dimmer input) rather than open-drain. */
export const MODE2_OUTDRV = 0x04;

/** LEDn_ON_H / LEDn_OFF_H bit 4: full ON / full OFF; full OFF wins when both are set (§7.3.3). */
export const LED_FULL = 0x10;
/** The 12-bit PWM counter's steps per period (§7.3.3). */
export const PWM_STEPS = 4096;
/** Channels 0..15. */
export const CHANNELS = 16;

/** Internal oscillator, Hz (§7.3.5: 25 MHz). */
export const INTERNAL_OSCILLATOR_HZ = 25_000_000;
/** PRE_SCALE limits: the hardware forces values below 3 to 3 (§7.3.5). */
export const PRE_SCALE_MIN = 0x03;
export const PRE_SCALE_MAX = 0xff;
/** The oscillator needs this long after SLEEP is cleared before RESTART may be written, ms (§7.3.1.1). */
export const OSCILLATOR_STARTUP_MS = 0.5;

/** First register (LEDn_ON_L) of `channel`'s four (Table 4). */
export function ledRegister(channel: number): number {
  return REG_LED0_ON_L + 4 * channel;
}

/** PRE_SCALE for an update rate: `round(osc / (4096 · f)) − 1` (§7.3.5, Equation 1). 50 Hz at 25 MHz -> 121. */
export function prescaleFor(oscillatorHz: number, frequencyHz: number): number {
  return Math.round(oscillatorHz / (PWM_STEPS * frequencyHz)) - 1;
}

/** The update rate a PRE_SCALE value gives, Hz: `osc / (4096 · (prescale + 1))` (§7.3.5). 121 at 25 MHz -> 50.03 Hz. */
export function frequencyFor(oscillatorHz: number, prescale: number): number {
  return oscillatorHz / (PWM_STEPS * (prescale + 1));
}

/**
 * Duty cycle 0..1 of one channel from its four LEDn registers `[ON_L, ON_H, OFF_L, OFF_H]` (§7.3.3):
 * full OFF -> 0, else full ON -> 1, else ((OFF − ON) mod 4096) / 4096 (ON = OFF gives 0).
 */
export function dutyFromRegisters(onL: number, onH: number, offL: number, offH: number): number {
  if (offH & LED_FULL) return 0;
  if (onH & LED_FULL) return 1;
  const on = ((onH & 0x0f) << 8) | onL;
  const off = ((offH & 0x0f) << 8) | offL;
  return ((off - on + PWM_STEPS) % PWM_STEPS) / PWM_STEPS;
}
