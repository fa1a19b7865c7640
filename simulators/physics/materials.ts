/**
 * Building-physics constants for the enclosure model. Each number says where it comes from; where
 * a number is an engineering estimate rather than a table value, it says so.
 *
 * Surface heat transfer (all W/(m²·K)):
 * - inside a nearly closed enclosure the air is still and the interior surfaces mostly see each
 *   other at nearly the same temperature, so only natural convection counts:
 *   h_in ≈ 2.5 (laminar natural convection on a 0.45 m vertical plate at ΔT ≈ 5 K,
 *   Churchill & Chu 1975: h ≈ 1.42 (ΔT/L)^0.25 W/(m²·K));
 * - outside: the same convection plus long-wave radiation to the room,
 *   h_r = 4 ε σ T³ ≈ 5.5 (ε = 0.9 for glass and paint, T ≈ 295 K), so h_out ≈ 8.0
 *   (ISO 6946 uses R_si = 0.13 m²·K/W, i.e. 7.7, for interior surfaces: consistent).
 * - U = 1 / (1/h_in + d/λ + 1/h_out).
 */

/** Interior natural-convection coefficient, W/(m²·K) (Churchill & Chu 1975, see above). */
export const H_INSIDE_W_PER_M2K = 2.5;
/** Exterior convection + radiation coefficient, W/(m²·K) (see above; ISO 6946 R_si ≈ 0.13). */
export const H_OUTSIDE_W_PER_M2K = 8.0;
/** Long-wave radiative coefficient 4 ε σ T³ at ε = 0.9, T = 295 K, W/(m²·K). */
export const H_RADIATIVE_W_PER_M2K = 5.5;

/** Air: density at 20 °C, kg/m³, and specific heat, J/(kg·K) (ISO 2533 / standard tables). */
export const AIR_DENSITY_KG_PER_M3 = 1.2;
export const AIR_CP_J_PER_KG_K = 1005;
/** Volumetric heat capacity of air, J/(m³·K). */
export const AIR_RHO_CP_J_PER_M3K = AIR_DENSITY_KG_PER_M3 * AIR_CP_J_PER_KG_K;

/**
 * Substrate (loose sand/soil mix, the floor cover of most terraria): 5 cm deep (estimate, a usual
 * keeper's depth), density 1500 kg/m³ and specific heat 800 J/(kg·K) (dry mineral soil,
 * Hillel, Environmental Soil Physics, ch. 12: c ≈ 0.8 kJ/(kg·K)), conductivity 0.3 W/(m·K)
 * (dry sand 0.2-0.35, same source).
 */
export const SUBSTRATE_DEPTH_M = 0.05;
export const SUBSTRATE_DENSITY_KG_PER_M3 = 1500;
export const SUBSTRATE_CP_J_PER_KG_K = 800;
export const SUBSTRATE_LAMBDA_W_PER_MK = 0.3;
/**
 * Water the substrate holds when its surface is wet (air above it saturates), as a fraction of its
 * dry mass: 2 % (estimate; a sandy mix feels damp at 2-5 %); its equilibrium relative
 * humidity is taken as linear in its water content below that (a simplification of the sorption
 * isotherm that keeps its role: a slow, large humidity buffer).
 */
export const SUBSTRATE_WET_WATER_FRACTION = 0.02;
/**
 * Effective diffusivity of water vapour in the substrate's pores, m²/s: D_air · 0.66 · porosity
 * (Penman 1940), D_air = 2.5e-5 m²/s, porosity 0.35 → 5.8e-6. Vapour leaves or enters the
 * substrate through half its depth of pores, which makes its exchange with the air slow.
 */
export const SUBSTRATE_VAPOUR_DIFFUSIVITY_M2_PER_S = 2.5e-5 * 0.66 * 0.35;

/**
 * Basking / probe surface: a 20 x 20 cm, 1 cm slate tile under the heater (estimate of a usual
 * basking spot), slate 2700 kg/m³ and 760 J/(kg·K) (ISO 10456, natural stone), lying on the substrate.
 */
export const SURFACE_AREA_M2 = 0.04;
export const SURFACE_CAPACITY_J_PER_K = 0.04 * 0.01 * 2700 * 760;

/** A panel of the enclosure's shell. */
export interface PanelSpec {
  /** Thermal transmittance room-to-inside, W/(m²·K). */
  uWPerM2K: number;
  /** Heat capacity per m², J/(m²·K) (thickness x density x specific heat). */
  capacityJPerM2K: number;
  /**
   * Convective air exchange through the panel, as an equivalent coefficient, W/(m²·K): non-zero
   * only for mesh, which lets the air through; converted to an air flow by the heat/mass-transfer
   * analogy (flow = h A / (ρ c_p)), so it also carries moisture.
   */
  openExchangeWPerM2K: number;
}

function solid(thicknessM: number, lambda: number, density: number, cp: number): PanelSpec {
  return {
    uWPerM2K: 1 / (1 / H_INSIDE_W_PER_M2K + thicknessM / lambda + 1 / H_OUTSIDE_W_PER_M2K),
    capacityJPerM2K: thicknessM * density * cp,
    openExchangeWPerM2K: 0,
  };
}

/** 4 mm float glass, λ = 1.0 W/(m·K), 2500 kg/m³, 840 J/(kg·K) (ISO 10456 table 3, EN 572): U ≈ 1.9. */
export const GLASS: PanelSpec = solid(0.004, 1.0, 2500, 840);
/** 10 mm foamed PVC sheet, λ ≈ 0.07 W/(m·K) (typical manufacturer data), 500 kg/m³, 1000 J/(kg·K): U ≈ 1.5. */
export const PVC: PanelSpec = solid(0.01, 0.07, 500, 1000);
/** 15 mm melamine-faced particleboard, λ = 0.14 W/(m·K), 650 kg/m³, 1700 J/(kg·K) (ISO 10456): U ≈ 1.6. */
export const WOOD: PanelSpec = solid(0.015, 0.14, 650, 1700);
/**
 * Aluminium or fibreglass insect screen, ~60 % open area (estimate for standard 18x16 screen): the
 * interior radiates through the openings (0.6 · h_r ≈ 3.3 W/(m²·K)) and air passes freely, so
 * warm air rises out at the interior convection rate (h_in). Negligible heat capacity.
 */
export const MESH: PanelSpec = {
  uWPerM2K: 0.6 * H_RADIATIVE_W_PER_M2K,
  capacityJPerM2K: 0,
  openExchangeWPerM2K: H_INSIDE_W_PER_M2K,
};

/**
 * How each `physics.material` is built. Glass terraria have a mesh top (the schema's default: a
 * 90x45x45 glass terrarium with a mesh top); PVC and wooden vivaria have glass sliding doors at
 * the front and a closed top with vents; mesh cages are screen on every side over a PVC tray.
 */
export interface Construction {
  front: PanelSpec;
  backAndSides: PanelSpec;
  top: PanelSpec;
  floor: PanelSpec;
  /** Leakage through vents and door gaps, air changes per hour (estimate: 1 /h for a closed vivarium). */
  leakageAirChangesPerHour: number;
}

export const CONSTRUCTIONS: Readonly<Record<'glass' | 'mesh' | 'pvc' | 'wood', Construction>> = {
  glass: { front: GLASS, backAndSides: GLASS, top: MESH, floor: GLASS, leakageAirChangesPerHour: 1 },
  mesh: { front: MESH, backAndSides: MESH, top: MESH, floor: PVC, leakageAirChangesPerHour: 1 },
  pvc: { front: GLASS, backAndSides: PVC, top: PVC, floor: PVC, leakageAirChangesPerHour: 1 },
  wood: { front: GLASS, backAndSides: WOOD, top: WOOD, floor: WOOD, leakageAirChangesPerHour: 1 },
};

/**
 * A fan (usually an 80 mm PC fan in a vent) adds this many air changes per hour: such a fan moves
 * ~30-40 m³/h in free air and roughly a third of that through terrarium vents, about 11 m³/h or
 * 60 changes per hour in the 182 L reference enclosure (estimate). Expressed per volume so small
 * enclosures (with small fans) stay plausible.
 */
export const FAN_AIR_CHANGES_PER_HOUR = 60;

/**
 * A light fixture's electrical power when its config gives none, W: a ~20 W LED bar or T5 tube on
 * the top (estimate).
 */
export const LIGHT_DEFAULT_POWER_W = 20;

/**
 * Share of a light's electrical power that ends up as heat in the enclosure air when its config
 * gives none: about half of a top-mounted fixture's dissipation (estimate; the rest heats the room
 * above the mesh or leaves as light through the glass).
 */
export const LIGHT_DEFAULT_HEAT_FRACTION = 0.5;

/**
 * Air exchange through an open lid, m³/s: the two-way stack flow through a large horizontal opening,
 * `Q = Cd · A / 3 · sqrt(g · H · ΔT / T)` (the large-opening form of the stack-effect equation,
 * ASHRAE Handbook Fundamentals, "Ventilation and Infiltration"), with Cd = 0.6, ΔT = 5 K between
 * the enclosure and the room, T = 300 K, `A` the top's area (m²) and `H` the enclosure height (m).
 * About 0.02 m³/s (~400 air changes per hour) for a 90x45x45 cm tank: an estimate.
 */
export function lidOpenFlowM3PerS(topAreaM2: number, heightM: number): number {
  return ((0.6 * topAreaM2) / 3) * Math.sqrt((9.81 * heightM * 5) / 300);
}

/** Stand under the enclosure (18 mm board + still air below): extra floor resistance, m²·K/W (ISO 10456 wood 0.13 W/(m·K); R_se downward 0.17 per ISO 6946). */
export const STAND_RESISTANCE_M2K_PER_W = 0.018 / 0.13 + 0.17;
