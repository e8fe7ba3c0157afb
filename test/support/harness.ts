import { messages } from "../../handler/dooray/messages.js";
import { startDevServer, type DevServer } from "../../handler/dev/devServer.js";
import type { Logger } from "../../handler/log.js";
import { createLogger } from "../../handler/log.js";
import { startDoorayReceiver, type DoorayReceiver } from "./doorayReceiver.js";
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from "./fakeOpenAI.js";

export const APP_TOKEN = "app-token-7f3c9a2e-1b4d-4c8e-9f60-2d5a7b8c9e01";
export const API_KEY = "sk-test-canary-5e8d1f0a9c7b6a5d4e3f2a1b";
export const TENANT_ID = "1234567891234567891";

/** The local Function URL wired to a fake model and a fake Dooray, with every log line kept. */
export interface Harness {
  readonly dev: DevServer;
  readonly model: FakeOpenAI;
  readonly dooray: DoorayReceiver;
  readonly logs: string[];
  /** POSTs a slash command; returns the HTTP status, the parsed answer and the hook it will be answered on. */
  command(text: string, overrides?: Record<string, unknown>): Promise<{ status: number; body: { text: string; responseType?: string }; hookId: string }>;
  /** Presses a button: POSTs Dooray's interactive payload with that value; returns the status and the answer. */
  press(
    actionValue: string,
    overrides?: { user?: { id: string; name: string }; responseUrl?: string; appToken?: string },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Submits the follow-up dialog whose callbackId is given; returns the status and the answer. */
  submitDialog(
    callbackId: string,
    question: string,
    overrides?: { responseUrl?: string; appToken?: string | undefined; user?: { id: string; name: string } },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Raw request to the local Function URL. */
  send(init: RequestInit & { path?: string }): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}, modelOptions: FakeOpenAIOptions = { apiKey: API_KEY }): Promise<Harness> {
  const model = await startFakeOpenAI(modelOptions);
  const dooray = await startDoorayReceiver();
  const logs: string[] = [];
  const log: Logger = createLogger((line) => logs.push(line));
  const dev = await startDevServer({
    env: {
      DOORAY_APP_TOKEN: APP_TOKEN,
      OPENAI_API_KEY: API_KEY,
      DOORAY_API_BASE_URL: dooray.url,
      OPENAI_BASE_URL: model.baseUrl,
      // The sample tenant's Dooray host too: links are built on the tenant domain only where these allow it.
      RESPONSE_URL_HOSTS: "127.0.0.1,guide.dooray.com",
      ALLOW_INSECURE_RESPONSE_URL: "1",
      MODEL_MAX_RETRIES: "0",
      PROGRESS_INTERVAL_MS: "200",
      ...env,
    },
    port: 0,
    log,
  }).catch(async (error: unknown) => {
    // A refused configuration still closes the fakes this harness started.
    await Promise.all([model.close(), dooray.close()]);
    throw error;
  });
  const send = (init: RequestInit & { path?: string }) => fetch(dev.url + (init.path ?? "/"), init);
  return {
    dev,
    model,
    dooray,
    logs,
    send,
    async command(text, overrides = {}) {
      const { hookId, responseUrl } = dooray.newResponseUrl();
      const response = await send({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(commandPayload({ text, responseUrl, ...overrides })),
      });
      return { status: response.status, body: (await response.json()) as { text: string; responseType?: string }, hookId };
    },
    async press(actionValue, overrides = {}) {
      const response = await send({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(pressPayload(actionValue, overrides)),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async submitDialog(callbackId, question, overrides = {}) {
      const payload: Record<string, unknown> = {
        type: "dialog_submission",
        tenant: { id: TENANT_ID, domain: "guide.dooray.com" },
        channel: { id: CHANNEL_ID, name: "배포" },
        user: overrides.user ?? { id: USER_ID, name: "홍길동" },
        responseUrl: overrides.responseUrl ?? dooray.newResponseUrl().responseUrl,
        cmdToken: "cmd-token-1",
        updateCmdToken: "update-cmd-token-1",
        callbackId,
        submission: { question },
      };
      if ("appToken" in overrides ? overrides.appToken !== undefined : true) payload.appToken = overrides.appToken ?? APP_TOKEN;
      const response = await send({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    },
    async close() {
      await dev.idle();
      await dev.close();
      await model.close();
      await dooray.close();
    },
  };
}

export const CHANNEL_ID = "2345678912345678912";
export const USER_ID = "3456789123456789123";

/** A button press as Dooray sends it to the Interactive Message Request URL (docs/architecture.md, "Dooray protocol"). */
export function pressPayload(
  actionValue: string,
  overrides: { user?: { id: string; name: string }; responseUrl?: string; appToken?: string } = {},
): Record<string, unknown> {
  return {
    tenant: { id: TENANT_ID, domain: "guide.dooray.com" },
    channel: { id: CHANNEL_ID, name: "배포" },
    user: overrides.user ?? { id: USER_ID, name: "홍길동" },
    commandName: "/gpt",
    command: "/gpt",
    text: "",
    callbackId: "dooray-gpt-answer",
    actionText: "button",
    actionValue,
    appToken: overrides.appToken ?? APP_TOKEN,
    cmdToken: "cmd-token-1",
    triggerId: "1234567891234.press",
    commandRequestUrl: "https://bot.example/",
    channelLogId: "-7386965175150134411",
    originalMessage: { text: "원래 메시지" },
    ...(overrides.responseUrl ? { responseUrl: overrides.responseUrl } : {}),
  };
}

/** A command body as Dooray sends it (docs/architecture.md, "Dooray protocol"). */
export function commandPayload(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    tenantId: TENANT_ID,
    tenantDomain: "guide.dooray.com",
    channelId: CHANNEL_ID,
    channelName: "배포",
    userId: USER_ID,
    command: "/gpt",
    text: "",
    responseUrl: "https://guide.dooray.com/messenger/api/commands/hook/00000000-0000-0000-0000-000000000000",
    appToken: APP_TOKEN,
    triggerId: "1234567891234.abcdefghijklmnopqrst",
    ...fields,
  };
}

export const finalPosts = <T extends { body: { text: string } }>(posts: T[]): T[] =>
  posts.filter((post) => !post.body.text.endsWith(" ▍") && !post.body.text.endsWith("(계속 작성 중…)"));

/** Asks a question, waits for the job to finish, and returns every post and the final answer's text. */
export async function askAndWait(h: Harness, question: string, overrides: Record<string, unknown> = {}): Promise<{ posts: string[]; final: string }> {
  const sent = await h.command(question, overrides);
  if (sent.body.text !== messages.ack) throw new Error(`not acknowledged: ${sent.body.text}`);
  await h.dev.idle();
  return {
    posts: h.dooray.postsFor(sent.hookId).map((post) => post.body.text),
    final: finalPosts(h.dooray.postsFor(sent.hookId))
      .map((post) => post.body.text)
      .join("\n"),
  };
}
