/**
 * Where a model endpoint processes questions (docs/operations.md, "Model endpoints"): `kr` in Korea, `global`
 * anywhere. Kept apart from endpoints.ts so that the edge, which checks channel profiles, loads only these lines.
 */
export type Residency = "kr" | "global";
export const RESIDENCIES: readonly Residency[] = ["kr", "global"];
/** An endpoint's name: it names its secret and its metrics. */
export const ENDPOINT_NAME = /^[a-z][a-z0-9-]{0,29}$/;
