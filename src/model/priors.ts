import type { EnclosureConfig } from '../config/load.js';
import type { HeaterConfig } from '../config/enclosure-schema.js';

/**
 * Prior knowledge the enclosure model starts from, before it has fitted anything: how each kind of
 * heat source delivers its heat, and rough building-physics figures for the shell. Every number is
 * an engineering estimate (manufacturers' descriptions, keeper measurements, textbook U-values),
 * good to a factor of about two; the online fit replaces them within hours.
 */

/** How a heater type delivers its heat (shares sum to at most 1; the rest goes to the floor/room). */
export interface HeaterPrior {
  /** Lag of the element: the heat output follows the relay as a first-order lag, s. */
  lagS: number;
  /** Share of the electrical power that warms the enclosure air directly (convection). */
  toAir: number;
  /** Share that lands on the basking spot / probe surface under it (radiation, contact). */
  toSurface: number;
}

/**
 * Per heater type: a ceramic heat emitter's element takes 10-15 min to reach full output
 * (lag 5 min) and gives about half of its heat to the air; a heat mat warms through the floor in
 * 30-60 min (lag 20 min) and gives its heat to the surface above it, none to the air directly; a
 * basking lamp's filament heats in seconds and ~90 % of its output is radiation aimed at the spot.
 */
export const HEATER_PRIORS: Readonly<Record<HeaterConfig['heaterType'], HeaterPrior>> = {
  'ceramic-heat-emitter': { lagS: 300, toAir: 0.6, toSurface: 0.1 },
  'heat-mat': { lagS: 1200, toAir: 0, toSurface: 0.5 },
  'basking-lamp': { lagS: 20, toAir: 0.3, toSurface: 0.35 },
};

/**
 * Heat a light fixture adds inside at full level, W: a ~20 W LED bar or T5 tube on the top, about
 * half of whose dissipation ends up inside (estimate; used when the light's config gives no wattage).
 */
export const DEFAULT_LIGHT_HEAT_W = 10;

/**
 * Evaporative cooling of a running mister at its start, W per g/s of flow: the latent heat of water
 * (2450 J/g at 25 °C, standard steam tables) times the share that evaporates in flight (~10 % for a
 * pressure nozzle, estimate); the wetted surfaces keep cooling afterwards, which the mister's lag
 * ({@link MIST_LAG_S}) stands for.
 */
export const MIST_COOLING_W_PER_G_PER_S = 2450 * 0.1;
/** How long the cooling of a misting burst lasts (wet decor drying), s (estimate). */
export const MIST_LAG_S = 1200;

/** Room temperature assumed before the model has estimated one, °C (a heated living room). */
export const ROOM_GUESS_C = 20;

/** Volumetric heat capacity of air, J/(m³·K) (1.2 kg/m³ × 1005 J/(kg·K), ISO 2533 standard air). */
const AIR_RHO_CP = 1206;

/**
 * Per shell material: heat loss per m² of walls and top, W/(m²·K), and the heat capacity per m² that
 * follows the air, J/(m²·K). Glass: 4 mm panes, U ≈ 1.9 (ISO 10456 λ = 1.0 with ISO 6946 surface
 * resistances) with a mesh top that lets warm air out (estimate 2.6 overall); mesh: screen on every
 * side, the air exchanges freely (estimate 8); PVC and wood: foamed PVC / particleboard, U ≈ 1.5
 * (ISO 10456). The capacity share is a quarter of the panel's (h_in / (h_in + h_out) ≈ 2.5 / 10.5).
 */
const SHELL: Readonly<Record<EnclosureConfig['physics']['material'], { uWPerM2K: number; capJPerM2K: number }>> = {
  glass: { uWPerM2K: 2.6, capJPerM2K: 2000 },
  mesh: { uWPerM2K: 8, capJPerM2K: 0 },
  pvc: { uWPerM2K: 1.5, capJPerM2K: 1200 },
  wood: { uWPerM2K: 1.5, capJPerM2K: 4000 },
};

/**
 * Loss through the floor and the stand to the room, W/(m²·K): 4 mm glass or board, 5 cm of substrate
 * (λ ≈ 0.3 W/(m·K), dry sand) and a wooden stand (ISO 10456 / ISO 6946 surface resistances), about 2.5.
 */
const FLOOR_LOSS_W_PER_M2K = 2.5;
/** Floor exchange between air and the substrate, W/(m²·K) (natural convection plus radiation, estimate). */
const FLOOR_EXCHANGE_W_PER_M2K = 3.5;
/** Basking spot: a 20 × 20 cm slate tile, 1 cm (about 820 J/K), exchanging ~18 W/(m²·K) with air and substrate (estimate). */
const SPOT_CAPACITY_J_PER_K = 820;
const SPOT_TO_AIR_W_PER_K = 0.23;
const SPOT_TO_SUBSTRATE_W_PER_K = 0.48;

/** Rough lumped figures of an enclosure from its `physics` build: SI units. */
export interface ShellSeed {
  /** Heat capacity that follows the air (air + share of the shell), J/K. */
  airCapacityJPerK: number;
  /** Heat loss of the enclosure to the room (walls, top, floor), W/K. */
  airLossWPerK: number;
  /** Exchange between the air and the floor's substrate, W/K. */
  airToMassWPerK: number;
  spotCapacityJPerK: number;
  spotToAirWPerK: number;
  spotToMassWPerK: number;
}

/** The seed figures of an enclosure (uses `physics.lossWPerK` / `heatCapacityJPerK` when given). */
export function shellSeed(enc: EnclosureConfig): ShellSeed {
  const ph = enc.physics;
  const w = ph.widthCm / 100;
  const d = ph.depthCm / 100;
  const h = ph.heightCm / 100;
  const shellArea = 2 * w * h + 2 * d * h + w * d;
  const s = SHELL[ph.material];
  const airCap = w * d * h * AIR_RHO_CP + s.capJPerM2K * shellArea;
  return {
    airCapacityJPerK: ph.heatCapacityJPerK === undefined ? airCap : ph.heatCapacityJPerK / 10,
    airLossWPerK: ph.lossWPerK ?? s.uWPerM2K * shellArea + FLOOR_LOSS_W_PER_M2K * w * d,
    airToMassWPerK: FLOOR_EXCHANGE_W_PER_M2K * w * d,
    spotCapacityJPerK: SPOT_CAPACITY_J_PER_K,
    spotToAirWPerK: SPOT_TO_AIR_W_PER_K,
    spotToMassWPerK: SPOT_TO_SUBSTRATE_W_PER_K,
  };
}
