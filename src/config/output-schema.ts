import { z } from 'zod';

const Bus = z.number().int().min(0).max(31).default(1);

/**
 * A relay on a line of an MCP23017 I2C expander (16 lines, addresses 0x20..0x27). `line` 0..7 is
 * GPA0..7, 8..15 is GPB0..7. `activeLow` as for a GPIO relay. No device-side dead-man: a chip reset
 * makes every line a high-impedance input, so the relay board must read "off" when its input floats.
 */
export const Mcp23017OutputSchema = z.strictObject({
  type: z.literal('mcp23017'),
  bus: Bus,
  address: z.number().int().min(0x20).max(0x27).default(0x20),
  line: z.number().int().min(0).max(15),
  activeLow: z.boolean().default(false),
});

const PcfAddress = z
  .number()
  .int()
  .refine((a) => (a >= 0x20 && a <= 0x27) || (a >= 0x38 && a <= 0x3f), 'PCF8574/PCF8575 answer at 0x20..0x27 (PCF8574A: 0x38..0x3F)')
  .default(0x20);

/**
 * A relay on a line of a PCF8574 (8 lines) I2C expander. Its pins are HIGH at power-on, before the
 * controller runs: wire relay boards whose input is active-low (`activeLow: true`, HIGH = off).
 */
export const Pcf8574OutputSchema = z.strictObject({
  type: z.literal('pcf8574'),
  bus: Bus,
  address: PcfAddress,
  line: z.number().int().min(0).max(7),
  activeLow: z.boolean().default(true),
});

/** A relay on a line of a PCF8575 (16 lines, P00..P07 = 0..7, P10..P17 = 8..15); as the PCF8574. */
export const Pcf8575OutputSchema = z.strictObject({
  type: z.literal('pcf8575'),
  bus: Bus,
  address: PcfAddress,
  line: z.number().int().min(0).max(15),
  activeLow: z.boolean().default(true),
});

/**
 * The plug's own auto-off, s: renewed by the controller every third of it while on, so a dead Pi,
 * network or controller leaves the load on at most this long. 0 = none (a warning for a heater).
 * Tasmota `PulseTime` supports 12..64800 s.
 */
const DeadManSeconds = z
  .number()
  .int()
  .refine((s) => s === 0 || (s >= 12 && s <= 64_800), '0 (none) or 12..64800 s')
  .default(300);

/** A network topic path segment: no wildcards, no leading/trailing `/`. */
const TopicSegment = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^+#/\u0000][^+#\u0000]*$/, 'no "+", "#" or leading "/"')
  .refine((s) => !s.endsWith('/'), 'no trailing "/"');

/**
 * A relay of a Tasmota smart plug over MQTT (needs the `mqtt` section for the broker): its Tasmota
 * `Topic` (e.g. `tasmota_5A1B2C`) and relay number.
 */
export const TasmotaOutputSchema = z.strictObject({
  type: z.literal('tasmota'),
  topic: TopicSegment,
  relay: z.number().int().min(1).max(8).default(1),
  deadManSeconds: DeadManSeconds,
});

/**
 * A switch of a Shelly Gen2+ plug or relay over MQTT RPC (needs the `mqtt` section): its MQTT topic
 * prefix (e.g. `shellyplusplugs-a8032ab12345`) and switch id.
 */
export const ShellyOutputSchema = z.strictObject({
  type: z.literal('shelly'),
  prefix: TopicSegment,
  switchId: z.number().int().min(0).max(3).default(0),
  deadManSeconds: DeadManSeconds,
});

export type Mcp23017OutputConfig = z.infer<typeof Mcp23017OutputSchema>;
export type Pcf857xOutputConfig = z.infer<typeof Pcf8574OutputSchema> | z.infer<typeof Pcf8575OutputSchema>;
export type TasmotaOutputConfig = z.infer<typeof TasmotaOutputSchema>;
export type ShellyOutputConfig = z.infer<typeof ShellyOutputSchema>;

/** Output types that are a network plug (state confirmed by the plug; dead-man capable). */
export const PLUG_OUTPUT_TYPES = ['tasmota', 'shelly'] as const;
