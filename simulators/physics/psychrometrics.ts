/**
 * Moist-air relations used by the enclosure model. Pure functions, no allocation.
 *
 * Saturation vapour pressure over water: Magnus form with the coefficients of Alduchov & Eskridge
 * (1996), "Improved Magnus form approximation of saturation vapor pressure", J. Appl. Meteor. 35,
 * eq. 21: e_s(T) = 610.94 Pa · exp(17.625 T / (T + 243.04)), T in °C; error < 0.4 % for -40..50 °C.
 *
 * Absolute humidity from the ideal gas law for water vapour: ρ_v = e / (R_v · T_K), with
 * R_v = 461.5 J/(kg·K) (specific gas constant of water vapour, WMO-No. 8, Annex 4.B).
 */

/** Magnus coefficients (Alduchov & Eskridge 1996, eq. 21). */
const MAGNUS_A_PA = 610.94;
const MAGNUS_B = 17.625;
const MAGNUS_C_C = 243.04;

/** Specific gas constant of water vapour, J/(kg·K). */
export const R_VAPOUR_J_PER_KG_K = 461.5;

/** 0 °C in kelvin. */
export const KELVIN_OFFSET = 273.15;

/** Latent heat of vaporisation of water near 20-30 °C, J/g (2.45 MJ/kg at about 20 °C: FAO Irrigation and Drainage Paper 56, Allen et al. 1998, ch. 3). */
export const LATENT_HEAT_J_PER_G = 2450;

/** Saturation vapour pressure over liquid water at `tempC` °C, Pa (Magnus, Alduchov & Eskridge 1996). */
export function saturationVapourPressurePa(tempC: number): number {
  return MAGNUS_A_PA * Math.exp((MAGNUS_B * tempC) / (tempC + MAGNUS_C_C));
}

/** Water vapour density at saturation, g/m³, at `tempC` °C (e.g. 17.3 g/m³ at 20 °C). */
export function saturationDensityGPerM3(tempC: number): number {
  // Inlined (no call to saturationVapourPressurePa): it runs several times per physics step.
  return (1000 * MAGNUS_A_PA * Math.exp((MAGNUS_B * tempC) / (tempC + MAGNUS_C_C))) / (R_VAPOUR_J_PER_KG_K * (tempC + KELVIN_OFFSET));
}

/** Absolute humidity, g/m³, of air at `tempC` °C and `rhPct` %RH. */
export function absoluteHumidityGPerM3(tempC: number, rhPct: number): number {
  return (rhPct / 100) * saturationDensityGPerM3(tempC);
}

/** Relative humidity, %RH (0..100, clamped), of air at `tempC` °C holding `gPerM3` g/m³ of vapour. */
export function relativeHumidityPct(tempC: number, gPerM3: number): number {
  const rh = (100 * gPerM3) / saturationDensityGPerM3(tempC);
  return rh < 0 ? 0 : rh > 100 ? 100 : rh;
}

/**
 * Slope of the saturation vapour density, g/(m³·K), at `tempC` given `satGPerM3` = its value
 * there: d ρ_s/dT = ρ_s · (b c / (T + c)² - 1 / T_K), from differentiating Magnus and the ideal gas law.
 */
export function saturationDensitySlope(tempC: number, satGPerM3: number): number {
  const t = tempC + MAGNUS_C_C;
  return satGPerM3 * ((MAGNUS_B * MAGNUS_C_C) / (t * t) - 1 / (tempC + KELVIN_OFFSET));
}
