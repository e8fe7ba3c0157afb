import { ConfigError } from "../config.js";
import { startDevServer } from "./devServer.js";

/** `npm run dev`: the local Function URL on http://127.0.0.1:$PORT (default 8787). */
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT: expected a port number from 0 to 65535, got "${process.env.PORT}"`);
  process.exit(2);
}
// Logs piped into a reader that went away (`npm run dev | head`) must not stop the server.
process.stdout.on("error", () => undefined);
try {
  const server = await startDevServer({ env: process.env, port });
  if (!process.env.DOORAY_APP_TOKEN) console.error("warning: DOORAY_APP_TOKEN is not set: every request will be refused with 401");
  if (!process.env.OPENAI_API_KEY) console.error('warning: OPENAI_API_KEY is not set: every question is answered with "not configured"');
  console.log(`dooray-gpt dev server ready: ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`configuration error: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
