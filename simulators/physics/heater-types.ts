import type { HeaterConfig } from '../../src/config/enclosure-schema.js';

/**
 * How a heater type turns electrical power into heat in the enclosure. The element is a node of
 * its own: at full power it settles `ratedRiseK` above the air, with time constant `timeConstantS`
 * (so its heat capacity is P · τ / ΔT and its conductance P / ΔT). The heat it gives off is split
 * between the enclosure air (convection), the basking/probe surface below it and the rest of the
 * floor (radiation), and, for a mat under the floor, the room below.
 *
 * The numbers are engineering estimates from manufacturers' descriptions and keeper measurements,
 * not datasheet values (no such datasheets exist for these products):
 * - ceramic heat emitter: element surface ~300 °C above ambient, takes 10-15 min to reach full
 *   output (τ = 5 min); about half of its output is long-wave radiation, mostly absorbed by the
 *   floor, a part of it by the basking spot right below it;
 * - heat mat: a thin film under the glass floor, ~25 K above ambient unregulated, takes 30-60 min
 *   to warm through the floor (τ = 20 min); heats the floor, a share is lost down into the stand;
 * - basking lamp (incandescent / halogen): the bulb heats in seconds (τ = 20 s); ~90 % of its
 *   output is radiation (visible light and near IR), aimed at the basking spot.
 *
 * Each heater also has a surface node of its own: the spot its output lands on (the glass over a
 * mat, the stone under an emitter or a lamp), where a limit probe lies. It takes the heater's
 * surface share and passes it on to the basking/probe surface; at full power it settles
 * `surfaceRiseK` above that surface, with time constant `surfaceLagS` (estimates: a mat heats
 * 6 mm of glass over its whole area and runs ~8 K above the floor around it within ~5 min; the
 * stone under an emitter or a lamp warms in 1-2 min, 5-10 K above the rest of the spot).
 */
export interface HeaterTypeSpec {
  ratedRiseK: number;
  timeConstantS: number;
  toAir: number;
  toSurface: number;
  toSubstrate: number;
  /** Share lost straight to the room (a mat's underside). toAir + toSurface + toSubstrate + toRoom = 1. */
  toRoom: number;
  /** The heater's own surface node at full power: rise above the basking surface, K, and time constant, s. */
  surfaceRiseK: number;
  surfaceLagS: number;
}

export const HEATER_TYPES: Readonly<Record<HeaterConfig['heaterType'], HeaterTypeSpec>> = {
  'ceramic-heat-emitter': { ratedRiseK: 300, timeConstantS: 300, toAir: 0.6, toSurface: 0.1, toSubstrate: 0.3, toRoom: 0, surfaceRiseK: 5, surfaceLagS: 120 },
  'heat-mat': { ratedRiseK: 25, timeConstantS: 1200, toAir: 0, toSurface: 0.5, toSubstrate: 0.35, toRoom: 0.15, surfaceRiseK: 8, surfaceLagS: 300 },
  'basking-lamp': { ratedRiseK: 150, timeConstantS: 20, toAir: 0.3, toSurface: 0.35, toSubstrate: 0.35, toRoom: 0, surfaceRiseK: 10, surfaceLagS: 60 },
};
