/** The two secrets each environment has; the same names in Terraform, the functions' settings and `npm run secret`. */
export const SECRET_KEYS = ["openai-api-key", "dooray-app-token"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export function secretNameOf(environment: string, key: SecretKey): string {
  return `dooray-gpt/${environment}/${key}`;
}
