// The naive baseline: how public examples put a model behind a slash command. Never shipped; `npm run bench`
// measures it beside our handler. Everything is imported at the top, the key is read per request, and the model
// is called synchronously inside the request, so the HTTP answer waits for the whole completion.
const OpenAI = require("openai");
const { LambdaClient } = require("@aws-sdk/client-lambda");
const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");

const lambda = new LambdaClient({});
const secrets = new SecretsManagerClient({});
void lambda;

async function readKey() {
  if (process.env.OPENAI_API_KEY) return process.env.OPENAI_API_KEY;
  const result = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.OPENAI_API_KEY_SECRET_ARN }));
  return result.SecretString;
}

exports.handler = async (event) => {
  const body = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, "base64").toString() : event.body);
  const client = new OpenAI({ apiKey: await readKey(), baseURL: process.env.OPENAI_BASE_URL });
  const completion = await client.chat.completions.create({
    model: process.env.BOT_MODEL || "gpt-4.1-mini",
    messages: [{ role: "user", content: body.text }],
  });
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ responseType: "inChannel", text: completion.choices[0].message.content }),
  };
};
