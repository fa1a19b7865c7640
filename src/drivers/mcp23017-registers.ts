/**
 * MCP23017 register map (IOCON.BANK = 0, the power-on layout), per Microchip MCP23017/MCP23S17
 * data sheet DS20001952C, Table 3-5 "Control register summary (IOCON.BANK = 0)" and Register 3-1
 * (IODIR) .. 3-11 (OLAT). Port A registers are even, port B odd. Shared by the driver and the
 * simulator.
 */

/** I/O direction, 1 = input (power-on 0xFF: every pin an input, high impedance). */
export const REG_IODIRA = 0x00;
export const REG_IODIRB = 0x01;
/** Input polarity. */
export const REG_IPOLA = 0x02;
/** Interrupt-on-change enable, port B (used to reset IOCON when the chip is in BANK = 1, see the driver). */
export const REG_GPINTENB = 0x05;
/** Configuration (IOCON, Register 3-6); mirrored at 0x0A and 0x0B. */
export const REG_IOCON = 0x0a;
/** Pull-up enable (100 kΩ), 1 = enabled. */
export const REG_GPPUA = 0x0c;
export const REG_GPPUB = 0x0d;
/** Port value: reads the pins' levels; a write goes to OLAT. */
export const REG_GPIOA = 0x12;
export const REG_GPIOB = 0x13;
/** Output latch: what the output drivers drive (power-on 0x00). */
export const REG_OLATA = 0x14;
export const REG_OLATB = 0x15;

/**
 * The address IOCON has in BANK = 1 (DS20001952C Table 3-4). In BANK = 0 it is GPINTENB, which
 * this project never uses, so writing 0 there first puts a chip left in BANK = 1 back to BANK = 0
 * and is harmless otherwise.
 */
export const REG_IOCON_BANK1 = 0x05;

/** IOCON bits (Register 3-6): BANK, MIRROR, SEQOP, DISSLW, HAEN, ODR, INTPOL (bits 7..1). */
export const IOCON_BANK = 0x80;
/** Sequential operation disabled (1): the address pointer does not increment. */
export const IOCON_SEQOP = 0x20;

/** Lines per chip: GPA0..7 are 0..7, GPB0..7 are 8..15. */
export const MCP23017_LINES = 16;

/** The port registers (A or B) and bit of line 0..15. */
export function portOf(line: number): { port: 0 | 1; bit: number } {
  return { port: line < 8 ? 0 : 1, bit: 1 << (line & 7) };
}
