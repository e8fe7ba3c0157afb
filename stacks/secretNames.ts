/**
 * The secrets an environment may have, the same names in Terraform, the functions' settings and `npm run secret`:
 * the first two always, the Dooray API token when the environment sets `doorayApi`, and one key per listed model
 * endpoint with `auth: "apiKey"` (`model-key-<name>`).
 */
export const SECRET_KEYS = ["openai-api-key", "dooray-app-token", "dooray-api-token"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number] | `model-key-${string}`;

/** The secret of a listed model endpoint's key. */
export function modelKeyOf(endpointName: string): SecretKey {
  return `model-key-${endpointName}`;
}

export function secretNameOf(environment: string, key: SecretKey): string {
  return `dooray-gpt/${environment}/${key}`;
}
