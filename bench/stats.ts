/** The bench's statistics, one definition each (every bench file uses these). */

/** The value below which `p` percent of the finite values fall (nearest rank); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A measured value against the bound it aims at. */
export function target(value: number, rule: "≤" | "≥", bound: number) {
  return { value: round(value, 2), rule, bound, met: rule === "≤" ? value <= bound : value >= bound };
}
