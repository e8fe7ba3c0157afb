import { randomUUID } from "node:crypto";
import { toolMessages } from "../dooray/toolMessages.js";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ConfigError, integer } from "../config.js";
import { createLogger } from "../log.js";
import { messages } from "../dooray/messages.js";
import { startDevServer, type DevServer } from "./devServer.js";

/**
 * `npm run try -- "질문"`: plays Dooray. Posts a slash command to the local Function URL, receives the responseUrl
 * posts on its own loopback hook, and prints what the person would see until the answer is final.
 * Without `--url` it starts the dev server in this process (configured from the environment, plus this script's
 * loopback hook and dialog API); with `--url http://127.0.0.1:8787` it talks to a running `npm run dev`, which must
 * then allow it: RESPONSE_URL_HOSTS=127.0.0.1 ALLOW_INSECURE_RESPONSE_URL=1. In-process, it ends with the job's
 * outcome (answered, notConfigured, keyRejected, …). TRY_LOGS=1 prints the server's log lines; TRY_TIMEOUT_MS
 * (default 180000) bounds each wait for a final answer. In-process runs keep the local table in .local/try-table
 * (LOCAL_TABLE_PATH), so `npm run try -- usage` shows what earlier runs used today.
 *
 * `--channel <id>` asks in that channel (its profile, e.g. a Dooray scope, then applies).
 *
 * Then it can press the answer's buttons, in the order given: `--press share|regenerate|followUp` and
 * `--follow-up "다음 질문"` (presses 이어서 질문 and submits the dialog with that text). A follow-up needs the
 * dialog API this script plays, so it works in-process only.
 */
/** Where in-process runs keep the local table's rows (budgets, job claims) between runs. */
const TRY_TABLE_PATH = join(import.meta.dirname, "..", "..", ".local", "try-table");
const PRESSES = ["share", "regenerate", "followUp", "task"] as const;
type Step = { readonly press: (typeof PRESSES)[number]; readonly text?: string };

const args = process.argv.slice(2);
let targetUrl: string | undefined;
let channelId = "2345678912345678912";
const steps: Step[] = [];
const words: string[] = [];
for (let index = 0; index < args.length; index++) {
  const arg = args[index]!;
  const value = args[index + 1];
  if (arg === "--url" || arg === "--press" || arg === "--follow-up" || arg === "--channel") {
    if (value === undefined) fail(`${arg} needs a value`);
    index++;
    if (arg === "--url") targetUrl = value;
    else if (arg === "--channel") channelId = /^\d{1,30}$/.test(value!) ? value! : fail(`--channel takes a channel id (digits); got "${value}"`);
    else if (arg === "--follow-up") steps.push({ press: "followUp", text: value });
    else if ((PRESSES as readonly string[]).includes(value!)) steps.push({ press: value as Step["press"] });
    else fail(`--press takes ${PRESSES.join(", ")}; got "${value}"`);
  } else {
    words.push(arg);
  }
}
const question = words.join(" ");
if (targetUrl && steps.some((step) => step.press === "followUp" || step.press === "task"))
  fail("--follow-up and --press task play Dooray's dialog API, which a running dev server cannot reach: leave out --url");
let TIMEOUT_MS = 180_000;
try {
  TIMEOUT_MS = integer(process.env, "TRY_TIMEOUT_MS", 180_000, 1_000, 3_600_000);
} catch (error) {
  fail((error as Error).message);
}

type Post = { text: string; replaceOriginal?: boolean; attachments?: { actions?: { name: string; value: string }[] }[] };
const isProgress = (text: string) => text.endsWith(messages.writingMarker) || text.endsWith(messages.moreComing) || toolMessages.lookingUpTexts.includes(text);
const isLastPart = (text: string) => {
  const part = /^(?:↪️[^\n]*\n\n)?\((\d+)\/(\d+)\)\n/.exec(text);
  return !part || part[1] === part[2];
};

// ── this script's Dooray: responseUrl hooks, and the dialog API (a follow-up's dialog is "opened" here) ──
const finals = new Map<string, (post: Post) => void>();
let lastDialog: { callbackId: string; values: Record<string, string> } | undefined;
const hook = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ header: { isSuccessful: true, resultCode: 0, resultMessage: "" } }));
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Post & {
      callbackId?: string;
      dialog?: { title?: string; elements?: { name: string; label?: string; value?: string }[] };
    };
    if (/\/dialogs$/.test(request.url ?? "")) {
      const elements = body.dialog?.elements ?? [];
      lastDialog = { callbackId: String(body.callbackId), values: Object.fromEntries(elements.map((element) => [element.name, element.value ?? ""])) };
      console.log(
        `\n── dialog opened: ${body.dialog?.title ?? ""} ──${elements
          .filter((element) => element.value)
          .map((element) => `\n${element.label}: ${element.value}`)
          .join("")}`,
      );
      return;
    }
    const hookId = (request.url ?? "").split("/").pop() ?? "";
    const label = isProgress(body.text) ? "updating" : body.replaceOriginal === false ? "new message" : "answer";
    const buttons = (body.attachments ?? []).flatMap((block) => block.actions ?? []).map((action) => action.name);
    console.log(
      `\n── ${label} ──\n${body.text}${buttons.length > 0 ? `\n[${buttons.map((name) => messages.buttons[name as Step["press"]] ?? name).join("] [")}]` : ""}`,
    );
    if (!isProgress(body.text) && isLastPart(body.text)) finals.get(hookId)?.(body);
  });
});
await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
const hookBase = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
const newHook = () => {
  const id = randomUUID();
  let resolve!: (post: Post) => void;
  const final = new Promise<Post>((done) => (resolve = done));
  finals.set(id, resolve);
  return { url: `${hookBase}/messenger/api/commands/hook/${id}`, final };
};

let dev: DevServer | undefined;
const serverLogs: string[] = [];
let appToken = process.env.DOORAY_APP_TOKEN;
try {
  if (!targetUrl) {
    appToken ??= randomUUID();
    const hosts = [process.env.RESPONSE_URL_HOSTS, "127.0.0.1"].filter(Boolean).join(",");
    dev = await startDevServer({
      env: {
        ...process.env,
        DOORAY_APP_TOKEN: appToken,
        RESPONSE_URL_HOSTS: hosts,
        ALLOW_INSECURE_RESPONSE_URL: "1",
        DOORAY_API_BASE_URL: hookBase,
        // Kept on disk between runs, so `npm run try -- usage` shows what the runs before it used.
        LOCAL_TABLE_PATH: process.env.LOCAL_TABLE_PATH ?? TRY_TABLE_PATH,
      },
      port: 0,
      demoModel: true,
      log: createLogger((line) => {
        serverLogs.push(line);
        if (process.env.TRY_LOGS === "1") console.log(line);
      }),
    });
  }
} catch (error) {
  if (/LOCK|lock/.test(String((error as Error).message)) && !(error instanceof ConfigError)) {
    fail(`another npm run try is using ${process.env.LOCAL_TABLE_PATH ?? TRY_TABLE_PATH}; wait for it, or set LOCAL_TABLE_PATH to another folder`);
  }
  fail(error instanceof ConfigError ? error.message : String(error));
}

const url = targetUrl ?? dev!.url;
const who = {
  tenant: { id: "1234567891234567891", domain: "local.dooray.com" },
  channel: { id: channelId, name: "local" },
  user: { id: "3456789123456789123", name: "나" },
};
if (dev?.demoModelUrl)
  console.log("(no OPENAI_API_KEY, OPENAI_BASE_URL or MODEL_ENDPOINTS: the built-in demo model answers, with fixed text; set one of them for a real model)");
if (dev?.sampleDoorayApiUrl) console.log(`(the channels' Dooray tools read the sample Dooray API on ${dev.sampleDoorayApiUrl})`);
const send = async (body: object) => {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as { text?: string; errors?: { error: string }[] } };
};
const within = <T>(promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no final answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref()),
  ]);

console.log(`/gpt ${question}   → ${url}`);
const first = newHook();
const ack = await send({
  tenantId: who.tenant.id,
  tenantDomain: who.tenant.domain,
  channelId: who.channel.id,
  userId: who.user.id,
  command: "/gpt",
  text: question,
  responseUrl: first.url,
  appToken: appToken ?? "",
  triggerId: `${Date.now()}.local`,
});
console.log(`\n── HTTP ${ack.status} ──\n${ack.body.text ?? ""}`);

let exitCode = ack.status === 200 ? 0 : 1;
try {
  // Only an acknowledgement is followed by posts; help, usage, refusals and errors are final as they are.
  if (ack.status === 200 && ack.body.text === messages.ack) {
    let answer = await within(first.final);
    for (const step of steps) {
      const value = answer.attachments?.flatMap((block) => block.actions ?? []).find((action) => action.name === step.press)?.value;
      if (!value) throw new Error(`the last answer has no ${messages.buttons[step.press]} button`);
      console.log(`\n[${messages.buttons[step.press]}] ${step.text ?? ""}`);
      const next = newHook();
      const pressed = await send({
        ...who,
        commandName: "/gpt",
        command: "/gpt",
        text: "",
        callbackId: "dooray-gpt-answer",
        actionText: messages.buttons[step.press],
        actionValue: value,
        appToken,
        cmdToken: "try-cmd-token",
        triggerId: `${Date.now()}.press`,
        responseUrl: next.url,
        originalMessage: answer,
      });
      if (step.press !== "followUp" && step.press !== "task")
        console.log(`\n── HTTP ${pressed.status}${step.press === "share" ? " (to the channel)" : ""} ──\n${pressed.body.text ?? ""}`);
      if (step.press === "share" || (step.press === "regenerate" && pressed.body.text !== messages.ack)) continue;
      if (step.press === "regenerate") {
        answer = await within(next.final);
        continue;
      }
      if (!lastDialog) throw new Error(`${messages.buttons[step.press]}: no dialog was opened (${pressed.body.text ?? pressed.status})`);
      const { callbackId, values } = lastDialog;
      lastDialog = undefined;
      const followUp = newHook();
      // 할 일로 만들기 is confirmed as prefilled; a follow-up sends the text given.
      const submission = step.press === "task" ? values : { question: step.text };
      if (step.press === "task") console.log(`\n[${messages.taskDialog.submitLabel}]`);
      const submitted = await send({
        type: "dialog_submission",
        ...who,
        responseUrl: followUp.url,
        cmdToken: "try-cmd-token",
        updateCmdToken: "try-update-token",
        callbackId,
        submission,
        appToken,
      });
      if (submitted.body.errors) throw new Error(`the dialog said: ${submitted.body.errors.map((error) => error.error).join("; ")}`);
      answer = await within(followUp.final);
    }
  }
} catch (error) {
  console.error(`\n${(error as Error).message}`);
  exitCode = 1;
}
await dev?.idle();
// The person sees a kind sentence; the one trying it out also wants to know which case it was.
const outcome = serverLogs.map((line) => JSON.parse(line) as { event?: string; outcome?: string }).findLast((entry) => entry.event === "job.finished")?.outcome;
if (outcome) console.log(`\n(outcome: ${outcome})`);
await dev?.close();
hook.close();
process.exit(exitCode);

function fail(message: string): never {
  console.error(`configuration error: ${message}`);
  process.exit(2);
}
