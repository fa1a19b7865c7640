import { z } from 'zod';

/** MQTT telemetry (issue 5 extends this). Absent: the controller runs without a broker. */
export const MqttSchema = z.strictObject({
  /** `mqtt://host:1883` or `mqtts://host:8883`. */
  url: z.string().regex(/^mqtts?:\/\//, 'expected mqtt:// or mqtts://'),
  /** Topic base: `<baseTopic>/<controller.id>/...`. */
  baseTopic: z.string().min(1).default('terrarium'),
  discoveryPrefix: z.string().min(1).default('homeassistant'),
});

export type MqttConfig = z.infer<typeof MqttSchema>;
