import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TIME_ZONE } from "../../handler/config.js";
import { messages } from "../../handler/dooray/messages.js";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { reservationFor } from "../../handler/store/tokenEstimate.js";
import { usageOf } from "../support/fakeOpenAI.js";
import { finalPosts, startHarness, type Harness } from "../support/harness.js";
import { startTableProxy, type TableProxy } from "../support/tableProxy.js";

const SYSTEM_PROMPT = "짧게 답해 주세요.";
const MAX_OUTPUT = 100;
const QUESTION = "배포 전에 확인할 것들을 길게 하나하나 빠짐없이 설명해 주세요. ".repeat(4).trim();
/** What the first answer counts (the fake endpoint: a token a character). */
const REPORTED = usageOf([{ content: SYSTEM_PROMPT }, { content: QUESTION }], `답변: ${QUESTION}`).total_tokens;
/** What 다시 생성 must hold back: the stored question again, not an empty text. */
const REGENERATION = reservationFor([SYSTEM_PROMPT, QUESTION], MAX_OUTPUT);
/** Room for the first question, and after it for what an empty question would need, but not for the regeneration. */
const LIMIT = Math.max(REGENERATION, REPORTED + reservationFor([SYSTEM_PROMPT, ""], MAX_OUTPUT)) + 10;

/**
 * 다시 생성 over budget (the review's case: the edge judged an empty question, the worker the real one, and its
 * refusal wiped the answer and its buttons). The answer and its buttons stay, with the refusal beside them.
 */
describe("다시 생성 that the day's budget cannot hold", () => {
  let table: LocalTable;
  let proxy: TableProxy;
  let h: Harness;
  beforeAll(async () => {
    expect(LIMIT).toBeLessThan(REPORTED + REGENERATION);
    table = await startLocalTable();
    proxy = await startTableProxy(table);
    h = await startHarness({
      BOT_TABLE: table.table,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_REGION: "ap-northeast-2",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      BOT_SYSTEM_PROMPT: SYSTEM_PROMPT,
      BOT_MAX_OUTPUT_TOKENS: String(MAX_OUTPUT),
      BUDGET_USER_DAILY_TOKENS: String(LIMIT),
    });
  });
  afterEach(() => h.dev.idle());
  afterAll(async () => {
    await h.close();
    await proxy.close();
    await table.close();
  });

  /** A first answer by a person of their own (each test starts from an empty day), and its 다시 생성 value. */
  const answered = async (userId: string) => {
    const { hookId } = await h.command(QUESTION, { userId });
    const [answer] = finalPosts(await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length === 1));
    await h.dev.idle();
    return { answer: answer!, regenerate: answer!.body.attachments![0]!.actions!.find((action) => action.name === "regenerate")!.value };
  };

  it("is refused at the edge on the real prompt, as a note beside the answer, which is not replaced", async () => {
    const { regenerate } = await answered("4000000000000000001");
    const calls = h.model.requests.length;

    const pressed = await h.press(regenerate, { user: { id: "4000000000000000001", name: "홍길동" }, responseUrl: h.dooray.newResponseUrl().responseUrl });

    const refusal = messages.budgetExceeded({ scope: "user", limit: LIMIT, used: REPORTED, needed: REGENERATION }, DEFAULT_TIME_ZONE);
    expect(pressed).toEqual({ status: 200, body: { responseType: "ephemeral", replaceOriginal: false, text: refusal } });
    await h.dev.idle();
    expect(h.model.requests).toHaveLength(calls);
  });

  it("refused by the worker (the edge could not read the budgets in time), puts the answer and its buttons back with the refusal", async () => {
    const { answer, regenerate } = await answered("4000000000000000002");
    const calls = h.model.requests.length;
    // The edge gives its quick read 0.8 s; this one takes longer, so only the worker's conditional write judges.
    proxy.delay(({ action }) => action === "BatchGetItem", 1_500);
    const { hookId, responseUrl } = h.dooray.newResponseUrl();

    const pressed = await h.press(regenerate, { user: { id: "4000000000000000002", name: "홍길동" }, responseUrl });
    expect(pressed.body).toMatchObject({ replaceOriginal: true, text: messages.ack });
    await h.dev.idle();

    const [restored] = finalPosts(h.dooray.postsFor(hookId));
    expect(restored!.body.text).toBe(
      `${answer.body.text}\n\n⚠️ ${messages.budgetExceeded({ scope: "user", limit: LIMIT, used: REPORTED, needed: REGENERATION }, DEFAULT_TIME_ZONE)}`,
    );
    expect(restored!.body.replaceOriginal).toBe(true);
    expect(restored!.body.attachments?.[0]?.actions?.map((action) => action.name)).toEqual(["share", "regenerate", "followUp"]);
    expect(h.model.requests).toHaveLength(calls);
  });
});
