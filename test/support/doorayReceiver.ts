import { randomUUID } from "node:crypto";
import { listen, readBody, sleep, type Listening } from "./listen.js";

/** One POST Dooray received at a responseUrl. */
export interface ReceivedPost {
  readonly hookId: string;
  readonly at: number;
  /** When it arrived, in epoch milliseconds with sub-millisecond precision (comparable across processes: the bench's first-words rows). */
  readonly receivedAt: number;
  readonly body: {
    text: string;
    responseType?: string;
    replaceOriginal?: boolean;
    attachments?: { callbackId?: string; actions?: { text: string; name: string; value: string }[] }[];
  };
}

/** One dialog Dooray was asked to open (POST /messenger/api/channels/<channel>/dialogs). */
export interface OpenedDialog {
  readonly channelId: string;
  /** The `token` header: the command token. */
  readonly token: string | undefined;
  readonly body: {
    token: string;
    triggerId: string;
    callbackId: string;
    dialog: { callbackId: string; title: string; elements: { type: string; name: string; maxLength?: number }[] };
  };
}

/**
 * Plays Dooray's responseUrl hooks on loopback: `POST /messenger/api/commands/hook/<id>` answers Dooray's
 * `{"header":{"isSuccessful":…}}`. `failNext(id, n)` makes the next n posts to a hook fail (isSuccessful false).
 */
export interface DoorayReceiver extends Listening {
  readonly posts: ReceivedPost[];
  /** Dialogs opened through Dooray's dialog API, which this server also plays (DOORAY_API_BASE_URL = its url). */
  readonly dialogs: OpenedDialog[];
  /** The next dialog request is refused (isSuccessful false). */
  refuseNextDialog(): void;
  newResponseUrl(): { hookId: string; responseUrl: string };
  postsFor(hookId: string): ReceivedPost[];
  failNext(hookId: string, count: number, how?: "isSuccessful" | "http500"): void;
  /** Posts to this hook get no answer at all (until the receiver closes). */
  hang(hookId: string): void;
  /** Resolves once `predicate` holds for the hook's posts (polls), or rejects after the timeout. */
  waitFor(hookId: string, predicate: (posts: ReceivedPost[]) => boolean, timeoutMs?: number): Promise<ReceivedPost[]>;
}

export async function startDoorayReceiver(): Promise<DoorayReceiver> {
  const posts: ReceivedPost[] = [];
  const failures = new Map<string, { count: number; how: "isSuccessful" | "http500" }>();
  const hanging = new Set<string>();
  const dialogs: OpenedDialog[] = [];
  let refuseDialog = false;
  const listening = await listen((request, response) => {
    void (async () => {
      const raw = await readBody(request);
      const dialog = /^\/messenger\/api\/channels\/([\w-]+)\/dialogs$/.exec(request.url ?? "");
      if (request.method === "POST" && dialog) {
        const ok = !refuseDialog;
        refuseDialog = false;
        if (ok) dialogs.push({ channelId: dialog[1]!, token: request.headers.token as string | undefined, body: JSON.parse(raw) as OpenedDialog["body"] });
        return response
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ header: { isSuccessful: ok, resultCode: ok ? 0 : -400, resultMessage: ok ? "" : "invalid triggerId" } }));
      }
      const match = /^\/messenger\/api\/commands\/hook\/([\w-]+)$/.exec(request.url ?? "");
      if (request.method !== "POST" || !match) return response.writeHead(404).end();
      const hookId = match[1]!;
      if (hanging.has(hookId)) return;
      const failure = failures.get(hookId);
      if (failure && failure.count > 0) {
        failure.count--;
        if (failure.how === "http500") return response.writeHead(500).end("oops");
        return response
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ header: { isSuccessful: false, resultCode: -100, resultMessage: "temporarily unavailable" } }));
      }
      posts.push({ hookId, at: Date.now(), receivedAt: performance.timeOrigin + performance.now(), body: JSON.parse(raw) as ReceivedPost["body"] });
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ header: { isSuccessful: true, resultCode: 0, resultMessage: "" } }));
    })();
  });
  const postsFor = (hookId: string) => posts.filter((post) => post.hookId === hookId);
  return {
    ...listening,
    posts,
    dialogs,
    refuseNextDialog() {
      refuseDialog = true;
    },
    postsFor,
    newResponseUrl() {
      const hookId = randomUUID();
      return { hookId, responseUrl: `${listening.url}/messenger/api/commands/hook/${hookId}` };
    },
    hang(hookId) {
      hanging.add(hookId);
    },
    failNext(hookId, count, how = "isSuccessful") {
      failures.set(hookId, { count, how });
    },
    async waitFor(hookId, predicate, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const found = postsFor(hookId);
        if (predicate(found)) return found;
        await sleep(10);
      }
      throw new Error(`timed out waiting for posts to ${hookId}; got ${JSON.stringify(postsFor(hookId))}`);
    },
  };
}
