/**
 * The secrets an environment may have, the same names in Terraform, the functions' settings and `npm run secret`:
 * the first two always, the Dooray API token when the environment sets `doorayApi`.
 */
export const SECRET_KEYS = ["openai-api-key", "dooray-app-token", "dooray-api-token"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export function secretNameOf(environment: string, key: SecretKey): string {
  return `dooray-gpt/${environment}/${key}`;
}
