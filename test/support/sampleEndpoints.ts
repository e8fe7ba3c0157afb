/**
 * The model endpoints the tests configure, as settings write them: Amazon Bedrock in Seoul with the worker's role,
 * and OpenAI's public API with a key and its prices.
 */
export const SEOUL_ENDPOINT = {
  name: "bedrock-seoul",
  baseUrl: "https://bedrock-runtime.ap-northeast-2.amazonaws.com/openai/v1",
  model: "openai.gpt-oss-120b-1:0",
  residency: "kr",
  auth: "aws",
};

export const OPENAI_ENDPOINT = {
  name: "openai",
  baseUrl: "https://api.openai.com/v1",
  model: "gpt-4.1-mini",
  residency: "global",
  price: { inputPerMillionTokens: 0.4, outputPerMillionTokens: 1.6, cachedInputPerMillionTokens: 0.1 },
};
