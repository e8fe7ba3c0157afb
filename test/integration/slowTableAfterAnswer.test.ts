import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { messages } from "../../handler/dooray/messages.js";
import { finalPosts, startHarness, type Harness } from "../support/harness.js";
import { startTableProxy, type ProxiedRequest, type TableProxy } from "../support/tableProxy.js";
import { PROCESS_BUDGET_MS } from "../support/testBudgets.js";

/** The write that stores a conversation's turn (the answer), as it reaches the table. */
const storingTurn = ({ action, input }: ProxiedRequest) => action === "PutItem" && String((input.Item as { pk?: { S?: string } }).pk?.S).startsWith("conv#");
const entries = (h: Harness) => h.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

/**
 * A slow table after the answer (the review's proxy): the writes that follow delivery must neither delay it nor run
 * the worker out of time, and the on-failure path must never replace a delivered answer with a failure message.
 */
describe("a table that is slow after the answer", { timeout: PROCESS_BUDGET_MS }, () => {
  let table: LocalTable;
  let proxy: TableProxy;
  let h: Harness;
  beforeAll(async () => {
    table = await startLocalTable();
    proxy = await startTableProxy(table);
    // The worker has 3 s; storing the answer's turn takes 5.
    h = await startHarness({
      BOT_TABLE: table.table,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_REGION: "ap-northeast-2",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      WORKER_TIMEOUT_SECONDS: "3",
    });
  });
  afterEach(() => h.dev.idle());
  afterAll(async () => {
    await h.close();
    await proxy.close();
    await table.close();
  });

  it("keeps the delivered answer: no failure message over it, one job.finished, and the run is never stopped", async () => {
    proxy.delay(storingTurn, 5_000);
    const { hookId } = await h.command("배포 체크리스트");
    await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length >= 1);
    await h.dev.idle();

    expect(finalPosts(h.dooray.postsFor(hookId)).map((post) => post.body.text)).toEqual(["답변: 배포 체크리스트"]);
    expect(entries(h).filter((entry) => entry.event === "job.finished")).toEqual([expect.objectContaining({ outcome: "answered" })]);
    expect(entries(h).some((entry) => entry.event === "worker.timedOut")).toBe(false);
  });

  it("delivers a follow-up's answer (without buttons) when its turn cannot be stored in time", async () => {
    const first = await h.command("첫 질문");
    const [answer] = finalPosts(await h.dooray.waitFor(first.hookId, (posts) => finalPosts(posts).length === 1));
    await h.dev.idle();
    const followUp = answer!.body.attachments![0]!.actions!.find((action) => action.name === "followUp")!.value;
    const opened = await h.press(followUp);
    expect(opened.status).toBe(200);
    const callbackId = h.dooray.dialogs.at(-1)!.body.callbackId as string;

    proxy.delay(storingTurn, 5_000);
    const { responseUrl, hookId } = h.dooray.newResponseUrl();
    const submitted = await h.submitDialog(callbackId, "이어서 물어요", { responseUrl });
    expect(submitted).toEqual({ status: 200, body: {} });
    await h.dev.idle();

    const posts = finalPosts(h.dooray.postsFor(hookId));
    expect(posts.map((post) => post.body.text)).toEqual([`${messages.followUpHeader("이어서 물어요")}\n\n답변: 이어서 물어요`]);
    expect(posts[0]!.body.attachments).toBeUndefined();
    expect(entries(h).some((entry) => entry.event === "worker.timedOut")).toBe(false);
  });

  it("채널에 공유 pressed before the answer is stored waits for it, and shares it", async () => {
    proxy.delay(storingTurn, 600);
    const { hookId } = await h.command("바로 공유할 답변");
    const [answer] = finalPosts(await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length === 1));
    const share = answer!.body.attachments![0]!.actions!.find((action) => action.name === "share")!.value;

    const pressed = await h.press(share);

    expect(pressed.body).toMatchObject({ responseType: "inChannel", replaceOriginal: false });
    expect(pressed.body.text).toContain("답변: 바로 공유할 답변");
  });
});
