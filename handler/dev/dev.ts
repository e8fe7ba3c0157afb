import { ConfigError, integer, type Env } from "../config.js";
import { startDevServer } from "./devServer.js";

/** `npm run dev`: the local Function URL on http://127.0.0.1:$PORT (default 8787). */
const env = process.env;
// Logs piped into a reader that went away (`npm run dev | head`) must not stop the server.
process.stdout.on("error", () => undefined);
try {
  const port = integer(env, "PORT", 8787, 0, 65535);
  for (const note of startupNotes(env)) console.error(note);
  const server = await startDevServer({ env, port, demoModel: true });
  if (server.demoModelUrl)
    console.error(
      `note: no OPENAI_API_KEY, OPENAI_BASE_URL or MODEL_ENDPOINTS: the built-in demo model answers on ${server.demoModelUrl} (fixed text, not an AI; it can call the sample Dooray API's tools); set one of them for a real model`,
    );
  if (server.sampleDoorayApiUrl)
    console.error(
      `note: a channel profile has a dooray scope and DOORAY_API_URL is not set: its tools read the sample Dooray API on ${server.sampleDoorayApiUrl}`,
    );
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

/** What a setting's absence or emptiness means, said once at startup rather than discovered later. */
function startupNotes(env: Env): string[] {
  const notes: string[] = [];
  const setButEmpty = (name: string) => env[name] !== undefined && (env[name] ?? "").split(",").every((item) => item.trim() === "");
  if (setButEmpty("RESPONSE_URL_HOSTS")) notes.push("note: RESPONSE_URL_HOSTS is set but empty: answers may go to the default, *.dooray.com");
  if (setButEmpty("DOORAY_TENANT_IDS")) notes.push("note: DOORAY_TENANT_IDS is set but lists no tenant: every tenant may use the bot");
  if (!env.BOT_TABLE?.trim()) {
    notes.push(
      env.LOCAL_TABLE_PATH?.trim()
        ? `note: BOT_TABLE is not set: budgets, job claims and conversations live in a local DynamoDB API kept in ${env.LOCAL_TABLE_PATH}`
        : "note: BOT_TABLE is not set: budgets, job claims and conversations live in an in-memory DynamoDB API, gone when dev stops",
    );
  }
  if (!env.DOORAY_APP_TOKEN?.trim()) notes.push("warning: DOORAY_APP_TOKEN is not set: every request will be refused with 401");
  if (!env.OPENAI_API_KEY?.trim() && env.OPENAI_BASE_URL?.trim())
    notes.push("note: OPENAI_API_KEY is not set: OPENAI_BASE_URL is asked without a key (fine for most local servers)");
  return notes;
}
