// The worker's floor for `npm run bench`: what any worker built on the official SDK pays before the first words,
// in a fresh process. It loads the shipped openai layer bundle (through NODE_PATH, as in Lambda), makes its client
// and sends one streamed POST to the model, and stops at the first words. No job, no table, no secrets, no Dooray.
// Writes {firstWordsMs} (from loading the SDK to the first words) to BENCH_OUT.
const { writeFileSync } = require("node:fs");

async function main() {
  const started = performance.now();
  const { default: OpenAI } = require("openai");
  const client = new OpenAI({ apiKey: "sk-floor", baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: "gpt-4.1-mini",
    stream: true,
    messages: [{ role: "user", content: process.env.BENCH_QUESTION }],
  });
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta?.content) return { firstWordsMs: performance.now() - started };
  }
  throw new Error("no words");
}

main().then(
  (result) => {
    writeFileSync(process.env.BENCH_OUT, JSON.stringify(result));
    process.exit(0);
  },
  (error) => {
    writeFileSync(process.env.BENCH_OUT, JSON.stringify({ error: String(error && error.stack) }));
    process.exit(1);
  },
);
