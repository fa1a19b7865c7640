import type { PhysicsConfig } from '../../src/config/physics-schema.js';
import {
  AIR_RHO_CP_J_PER_M3K,
  CONSTRUCTIONS,
  FAN_AIR_CHANGES_PER_HOUR,
  H_INSIDE_W_PER_M2K,
  H_OUTSIDE_W_PER_M2K,
  H_RADIATIVE_W_PER_M2K,
  STAND_RESISTANCE_M2K_PER_W,
  SUBSTRATE_CP_J_PER_KG_K,
  SUBSTRATE_DENSITY_KG_PER_M3,
  SUBSTRATE_DEPTH_M,
  SUBSTRATE_LAMBDA_W_PER_MK,
  SUBSTRATE_VAPOUR_DIFFUSIVITY_M2_PER_S,
  SUBSTRATE_WET_WATER_FRACTION,
  SURFACE_AREA_M2,
  SURFACE_CAPACITY_J_PER_K,
} from './materials.js';

/**
 * Lumped parameters of one enclosure, derived from its `physics` config (SI units: W/K, J/K, m³/s).
 * Nodes: `air` (air plus the share of the shell panels that follows it), `substrate` (floor cover plus the floor
 * panel), `surface` (the basking/probe spot). Conductances connect them to each other and to the room.
 */
export interface EnclosureParams {
  volumeM3: number;
  floorAreaM2: number;
  /** Every inner surface (panels + floor), m²: the most a wet film can cover. */
  interiorAreaM2: number;
  airCapacityJPerK: number;
  substrateCapacityJPerK: number;
  surfaceCapacityJPerK: number;
  /** Conduction/radiation through walls and top, air node to room, W/K. */
  airToRoomWPerK: number;
  /** Through the floor and the stand, substrate node to room, W/K. */
  floorToRoomWPerK: number;
  airToSubstrateWPerK: number;
  surfaceToAirWPerK: number;
  surfaceToSubstrateWPerK: number;
  /** Air exchange with the room without the fan (mesh openings + leakage), m³/s. */
  naturalFlowM3PerS: number;
  /** Extra air exchange while the fan runs, m³/s. */
  fanFlowM3PerS: number;
  /** Mass-transfer coefficient for evaporation from wet surfaces, m/s. */
  massTransferMPerS: number;
  /** Vapour exchange between air and substrate, m³/s: floor area / (1/β + pore diffusion over half the depth). */
  substrateVapourFlowM3PerS: number;
  /** Water in the substrate at which its surface is wet (equilibrium 100 %RH), g. */
  substrateWetWaterG: number;
  /** Steady-state heat loss to the room (walls, top, ventilation, floor), W/K; equals `lossWPerK` when overridden. */
  totalLossWPerK: number;
  /** Air + shell + substrate heat capacity, J/K; equals `heatCapacityJPerK` when overridden. */
  totalCapacityJPerK: number;
}

/** Chilton-Colburn heat/mass-transfer analogy: β = h / (ρ c_p Le^(2/3)), Le = 0.85 for water vapour in air. */
const LEWIS_FACTOR = Math.pow(0.85, 2 / 3);

/** Share of the floor's long-wave exchange that goes to the shell (view factor, estimate). */
const FLOOR_VIEW_TO_SHELL = 0.6;

/**
 * Derives the lumped parameters of an enclosure from its dimensions and material (constants and
 * their sources in `materials.ts`). Overrides: `heatCapacityJPerK` scales the air and substrate
 * capacities, `lossWPerK` scales every loss path (conduction, floor and natural air exchange) so
 * that the totals equal the given values while the proportions stay physical.
 */
export function enclosureParams(cfg: PhysicsConfig): EnclosureParams {
  const w = cfg.widthCm / 100;
  const d = cfg.depthCm / 100;
  const h = cfg.heightCm / 100;
  const c = CONSTRUCTIONS[cfg.material];
  const volume = w * d * h;
  const floor = w * d;
  const front = w * h;
  const backAndSides = w * h + 2 * d * h;
  const top = w * d;

  const shellUA = c.front.uWPerM2K * front + c.backAndSides.uWPerM2K * backAndSides + c.top.uWPerM2K * top;
  const openExchange = c.front.openExchangeWPerM2K * front + c.backAndSides.openExchangeWPerM2K * backAndSides + c.top.openExchangeWPerM2K * top;
  const naturalFlow = openExchange / AIR_RHO_CP_J_PER_M3K + (c.leakageAirChangesPerHour * volume) / 3600;
  const shellCapacity = c.front.capacityJPerM2K * front + c.backAndSides.capacityJPerM2K * backAndSides + c.top.capacityJPerM2K * top;

  const halfSubstrateR = SUBSTRATE_DEPTH_M / 2 / SUBSTRATE_LAMBDA_W_PER_MK;
  const floorPanelR = 1 / c.floor.uWPerM2K - 1 / H_INSIDE_W_PER_M2K - 1 / H_OUTSIDE_W_PER_M2K;
  const floorToRoom = floor / (halfSubstrateR + floorPanelR + STAND_RESISTANCE_M2K_PER_W);

  const surfaceArea = Math.min(SURFACE_AREA_M2, floor / 4);
  const surfaceCapacity = (SURFACE_CAPACITY_J_PER_K * surfaceArea) / SURFACE_AREA_M2;
  const hFloorToAir = H_INSIDE_W_PER_M2K + FLOOR_VIEW_TO_SHELL * H_RADIATIVE_W_PER_M2K;
  const airToSubstrate = (floor - surfaceArea) / (halfSubstrateR + 1 / hFloorToAir);

  const substrateMassKg = floor * SUBSTRATE_DEPTH_M * SUBSTRATE_DENSITY_KG_PER_M3;
  // A pane's temperature moves h_in / (h_in + h_out) of the way from the room to the air, so that
  // is the share of its heat capacity the air node carries.
  let airCapacity = volume * AIR_RHO_CP_J_PER_M3K + (shellCapacity * H_INSIDE_W_PER_M2K) / (H_INSIDE_W_PER_M2K + H_OUTSIDE_W_PER_M2K);
  let substrateCapacity = substrateMassKg * SUBSTRATE_CP_J_PER_KG_K + c.floor.capacityJPerM2K * floor;
  const capacity = airCapacity + substrateCapacity;
  if (cfg.heatCapacityJPerK !== undefined) {
    const k = cfg.heatCapacityJPerK / capacity;
    airCapacity *= k;
    substrateCapacity *= k;
  }

  let airToRoom = shellUA;
  let floorLoss = floorToRoom;
  let flow = naturalFlow;
  const loss = airToRoom + flow * AIR_RHO_CP_J_PER_M3K + floorLoss;
  if (cfg.lossWPerK !== undefined) {
    const k = cfg.lossWPerK / loss;
    airToRoom *= k;
    floorLoss *= k;
    flow *= k;
  }
  const beta = H_INSIDE_W_PER_M2K / (AIR_RHO_CP_J_PER_M3K * LEWIS_FACTOR);

  return {
    volumeM3: volume,
    floorAreaM2: floor,
    interiorAreaM2: front + backAndSides + top + floor,
    airCapacityJPerK: airCapacity,
    substrateCapacityJPerK: substrateCapacity,
    surfaceCapacityJPerK: surfaceCapacity,
    airToRoomWPerK: airToRoom,
    floorToRoomWPerK: floorLoss,
    airToSubstrateWPerK: airToSubstrate,
    surfaceToAirWPerK: hFloorToAir * surfaceArea,
    surfaceToSubstrateWPerK: (SUBSTRATE_LAMBDA_W_PER_MK / (SUBSTRATE_DEPTH_M / 2)) * surfaceArea,
    naturalFlowM3PerS: flow,
    fanFlowM3PerS: (FAN_AIR_CHANGES_PER_HOUR * volume) / 3600,
    massTransferMPerS: beta,
    substrateVapourFlowM3PerS: floor / (1 / beta + SUBSTRATE_DEPTH_M / 2 / SUBSTRATE_VAPOUR_DIFFUSIVITY_M2_PER_S),
    substrateWetWaterG: substrateMassKg * 1000 * SUBSTRATE_WET_WATER_FRACTION,
    totalLossWPerK: airToRoom + flow * AIR_RHO_CP_J_PER_M3K + floorLoss,
    totalCapacityJPerK: airCapacity + substrateCapacity,
  };
}

/** Explicit Euler sub-steps never exceed 1 s. */
const MAX_STEP_MS = 1000;

/**
 * Largest sub-step, ms, that keeps explicit Euler stable with margin. Euler is stable for
 * h < 2/λ_max; by Gershgorin λ_max <= 2 · (the largest node's total rate: sum of its
 * conductances / its capacity), so h = 0.5 / that rate keeps a factor-2 margin (and relative error
 * per step around h/2τ). 1 s for the reference enclosure; shorter for tiny mesh boxes.
 * @param heaterCond element conductances, W/K; @param heaterCap element capacities, J/K; @param fans fan count
 * @param extraFlowM3PerS air exchange beyond the natural and fan flows (an open lid), m³/s
 */
export function stableStepMs(p: EnclosureParams, heaterCond: Float64Array, heaterCap: Float64Array, fans: number, extraFlowM3PerS = 0): number {
  let heaterToAir = 0;
  let fastest = 0;
  for (let i = 0; i < heaterCond.length; i++) {
    heaterToAir += heaterCond[i];
    fastest = Math.max(fastest, heaterCond[i] / heaterCap[i]);
  }
  const maxFlow = p.naturalFlowM3PerS + p.fanFlowM3PerS * fans + extraFlowM3PerS;
  const air = (p.airToRoomWPerK + maxFlow * AIR_RHO_CP_J_PER_M3K + p.airToSubstrateWPerK + p.surfaceToAirWPerK + heaterToAir) / p.airCapacityJPerK;
  const substrate = (p.floorToRoomWPerK + p.airToSubstrateWPerK + p.surfaceToSubstrateWPerK) / p.substrateCapacityJPerK;
  const surface = (p.surfaceToAirWPerK + p.surfaceToSubstrateWPerK) / p.surfaceCapacityJPerK;
  const vapour = (maxFlow + p.substrateVapourFlowM3PerS + p.massTransferMPerS * p.interiorAreaM2) / p.volumeM3;
  fastest = Math.max(fastest, air, substrate, surface, vapour);
  return Math.min(MAX_STEP_MS, (0.5 / fastest) * 1000);
}
