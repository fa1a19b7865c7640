import type { Config } from '../config/load.js';
import { utcOffsetMs } from '../control/local-time.js';

/**
 * The room temperature the enclosure model may take as an input, °C at wall ms, or `undefined`
 * when the room is not measured. Only the simulated backend knows its room: `hardware.sim.room`
 * describes it as a smooth day/night curve, warmest (`dayC`) at 15:00 local time and coolest
 * (`nightC`) at 03:00, T(h) = mean + amplitude · cos(2π (h - 15) / 24), which is the curve the
 * simulator's room follows. A Pi has no room sensor, so there the model estimates the room.
 */
export function roomInput(config: Config): ((wallMs: number) => number) | undefined {
  if (config.hardware.backend !== 'sim') return undefined;
  const { dayC, nightC } = config.hardware.sim.room;
  const mean = (dayC + nightC) / 2;
  const amplitude = (dayC - nightC) / 2;
  const tz = config.controller.timezone;
  return (wallMs) => {
    const hour = (((wallMs + utcOffsetMs(wallMs, tz)) / 3_600_000) % 24 + 24) % 24;
    return mean + amplitude * Math.cos((2 * Math.PI * (hour - 15)) / 24);
  };
}
