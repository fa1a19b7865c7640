import { z } from 'zod';

/**
 * The simulated enclosure's physical build (used only with `hardware.backend: "sim"`).
 * Defaults describe a 90x45x45 cm glass terrarium with a mesh top.
 */
export const PhysicsSchema = z.strictObject({
  widthCm: z.number().min(10).max(400).default(90),
  depthCm: z.number().min(10).max(400).default(45),
  heightCm: z.number().min(10).max(400).default(45),
  material: z.enum(['glass', 'mesh', 'pvc', 'wood']).default('glass'),
  /** Override the computed heat-loss coefficient, W/K. */
  lossWPerK: z.number().positive().max(1000).optional(),
  /** Override the computed effective heat capacity (air + substrate + glass), J/K. */
  heatCapacityJPerK: z.number().positive().max(1e9).optional(),
  /** Start temperature, °C (default: room); -10..60, the range a living enclosure can start in. */
  initialC: z.number().min(-10).max(60).optional(),
  /** Start humidity, %RH (default: room). */
  initialHumidityPct: z.number().min(0).max(100).optional(),
});

export type PhysicsConfig = z.infer<typeof PhysicsSchema>;
