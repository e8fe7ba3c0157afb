import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { messages } from "../../handler/dooray/messages.js";
import { loadConversation } from "../../handler/store/conversations.js";
import { finalPosts, startHarness, USER_ID, type Harness } from "../support/harness.js";
import type { ReceivedPost } from "../support/doorayReceiver.js";

const buttonsOf = (post: ReceivedPost) =>
  Object.fromEntries((post.body.attachments ?? []).flatMap((block) => block.actions ?? []).map((action) => [action.name, action.value]));

/** The three buttons under every final answer, through the local Function URL (docs/architecture.md, "Interactive answers"). */
describe("interactive answers", () => {
  let h: Harness;
  beforeAll(async () => void (h = await startHarness()));
  // Each test\'s jobs finish (their closing log lines written) before the next test starts.
  afterEach(() => h.dev.idle());
  afterAll(() => h.close());

  /** Asks a question and returns its final answer with the buttons' values. */
  const ask = async (question: string) => {
    const { hookId, responseUrl } = await h.command(question).then((sent) => ({ hookId: sent.hookId, responseUrl: "" }));
    const [answer] = finalPosts(await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length === 1));
    await h.dev.idle();
    return { answer: answer!, buttons: buttonsOf(answer!), hookId, responseUrl };
  };

  it("puts 채널에 공유 · 다시 생성 · 이어서 질문 under the answer, with small signed values that hold no answer", async () => {
    const { answer, buttons } = await ask("배포 체크리스트");
    expect(answer.body.attachments![0]!.actions!.map((action) => action.text)).toEqual(["채널에 공유", "다시 생성", "이어서 질문"]);
    for (const value of Object.values(buttons)) {
      expect(value.length).toBeLessThan(120);
      expect(value).not.toContain("배포");
    }
  });

  it("puts the buttons on the last part of a long answer only", async () => {
    const { hookId } = await h.command("[[long:7000]] 길게");
    const finals = finalPosts(await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).some((post) => post.body.text.startsWith("(3/3)"))));
    expect(finals.map((post) => post.body.attachments !== undefined)).toEqual([false, false, true]);
  });

  it("채널에 공유 posts the question and the answer to the channel under the asker's name, keeping the private copy", async () => {
    const { buttons, hookId } = await ask("공유할 질문");
    const before = h.dooray.postsFor(hookId).length;

    const { status, body } = await h.press(buttons.share!);

    expect(status).toBe(200);
    expect(body).toEqual({ responseType: "inChannel", replaceOriginal: false, text: messages.shared("홍길동", "공유할 질문", "답변: 공유할 질문") });
    expect(body.text).toMatch(/^💬 홍길동 님의 질문\n> 공유할 질문\n\n답변: 공유할 질문$/);
    expect(h.dooray.postsFor(hookId)).toHaveLength(before);
  });

  it("다시 생성 acknowledges, calls the model again for the same question, and replaces the answer", async () => {
    const { buttons } = await ask("다시 물을 질문");
    const calls = h.model.requests.length;
    const { hookId, responseUrl } = h.dooray.newResponseUrl();

    const { status, body } = await h.press(buttons.regenerate!, { responseUrl });

    expect(status).toBe(200);
    expect(body).toEqual({ responseType: "ephemeral", replaceOriginal: true, text: messages.ack });
    const [again] = finalPosts(await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length === 1));
    expect(again!.body).toMatchObject({ text: "답변: 다시 물을 질문", replaceOriginal: true });
    expect(h.model.requests).toHaveLength(calls + 1);
    expect(h.model.requests.at(-1)!.body.messages.at(-1)).toEqual({ role: "user", content: "다시 물을 질문" });
    expect(Object.keys(buttonsOf(again!))).toEqual(["share", "regenerate", "followUp"]);
  });

  it("이어서 질문 opens a dialog at the Dooray API with the cmdToken header, and the submission is answered with the earlier turn", async () => {
    const { buttons } = await ask("첫 질문");
    const { status, body } = await h.press(buttons.followUp!);
    expect(status).toBe(200);
    expect(body).toEqual({ text: "원래 메시지" });
    const dialog = h.dooray.dialogs.at(-1)!;
    expect(dialog).toMatchObject({ channelId: "2345678912345678912", token: "cmd-token-1", body: { token: "cmd-token-1", triggerId: "1234567891234.press" } });
    expect(dialog.body.dialog.elements).toEqual([expect.objectContaining({ type: "textarea", name: "question", maxLength: 4000 })]);
    const { hookId, responseUrl } = h.dooray.newResponseUrl();

    const submitted = await h.submitDialog(dialog.body.callbackId, "두 번째 질문", { responseUrl });

    expect(submitted).toEqual({ status: 200, body: {} });
    const [answer] = finalPosts(await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length === 1));
    expect(answer!.body).toMatchObject({ text: `${messages.followUpHeader("두 번째 질문")}\n\n답변: 두 번째 질문`, replaceOriginal: false });
    expect(h.model.requests.at(-1)!.body.messages.slice(1)).toEqual([
      { role: "user", content: "첫 질문" },
      { role: "assistant", content: "답변: 첫 질문" },
      { role: "user", content: "두 번째 질문" },
    ]);
    // The follow-up's own buttons continue the same conversation: a third turn sees both before it.
    await h.dev.idle();
    await h.press(buttonsOf(answer!).followUp!);
    const third = h.dooray.newResponseUrl();
    await h.submitDialog(h.dooray.dialogs.at(-1)!.body.callbackId, "세 번째", { responseUrl: third.responseUrl });
    await h.dooray.waitFor(third.hookId, (posts) => finalPosts(posts).length === 1);
    expect(
      h.model.requests
        .at(-1)!
        .body.messages.filter((message) => message.role === "user")
        .map((message) => message.content),
    ).toEqual(["첫 질문", "두 번째 질문", "세 번째"]);
  });

  it("refuses a press with a wrong app token with 401, changing nothing", async () => {
    const { buttons } = await ask("토큰 질문");
    const calls = h.model.requests.length;
    const { status } = await h.press(buttons.regenerate!, { appToken: "wrong-token-000000000000" });
    expect(status).toBe(401);
    await h.dev.idle();
    expect(h.model.requests).toHaveLength(calls);
  });

  it("refuses kindly a press on someone else's conversation, reading and extending nothing", async () => {
    const { buttons } = await ask("내 질문");
    const calls = h.model.requests.length;
    const dialogs = h.dooray.dialogs.length;
    const someoneElse = { id: "9999999999999999999", name: "김철수" };
    for (const action of ["share", "regenerate", "followUp"] as const) {
      const { status, body } = await h.press(buttons[action]!, { user: someoneElse });
      expect(status).toBe(200);
      expect(body).toEqual({ responseType: "ephemeral", replaceOriginal: false, text: messages.pressNotYours });
    }
    await h.dev.idle();
    expect(h.model.requests).toHaveLength(calls);
    expect(h.dooray.dialogs).toHaveLength(dialogs);
  });

  it("refuses someone else's submission of a genuine follow-up dialog, extending nothing", async () => {
    const { buttons } = await ask("남의 대화");
    await h.press(buttons.followUp!);
    const calls = h.model.requests.length;
    const submitted = await h.submitDialog(h.dooray.dialogs.at(-1)!.body.callbackId, "끼어들기", { user: { id: "9999999999999999999", name: "김철수" } });
    expect(submitted).toEqual({ status: 200, body: { errors: [{ name: "question", error: messages.pressNotYours }] } });
    await h.dev.idle();
    expect(h.model.requests).toHaveLength(calls);
  });

  it("refuses a dialog submission whose callbackId was not ours: 401 without the app token, a field error with it", async () => {
    const forged = `v1.followUp.someone-elses-conversation.0.${Math.floor(Date.now() / 1000)}.${"A".repeat(43)}`;
    expect((await h.submitDialog(forged, "질문", { appToken: undefined })).status).toBe(401);
    expect(await h.submitDialog(forged, "질문")).toEqual({ status: 200, body: { errors: [{ name: "question", error: messages.pressNotYours }] } });
  });

  it("refuses a button's value presented as a dialog's callbackId: 401 without the app token, no model call, no post", async () => {
    const { buttons } = await ask("버튼 값을 재사용");
    const calls = h.model.requests.length;
    for (let attempt = 0; attempt < 3; attempt++) {
      const { hookId, responseUrl } = h.dooray.newResponseUrl();
      expect((await h.submitDialog(buttons.followUp!, "재사용한 질문", { appToken: undefined, responseUrl })).status).toBe(401);
      await h.dev.idle();
      expect(h.dooray.postsFor(hookId)).toEqual([]);
    }
    expect(h.model.requests).toHaveLength(calls);
  });

  it("answers a dialog's submission once: a replay, with or without the app token, asks nothing and posts nothing", async () => {
    const { buttons } = await ask("한 번만");
    await h.press(buttons.followUp!);
    const callbackId = h.dooray.dialogs.at(-1)!.body.callbackId;
    const first = h.dooray.newResponseUrl();
    expect(await h.submitDialog(callbackId, "첫 제출", { responseUrl: first.responseUrl, appToken: undefined })).toEqual({ status: 200, body: {} });
    await h.dooray.waitFor(first.hookId, (posts) => finalPosts(posts).length === 1);
    await h.dev.idle();
    const calls = h.model.requests.length;

    const replay = h.dooray.newResponseUrl();
    expect((await h.submitDialog(callbackId, "다시 제출", { responseUrl: replay.responseUrl, appToken: undefined })).status).toBe(401);
    expect(await h.submitDialog(callbackId, "다시 제출", { responseUrl: replay.responseUrl })).toEqual({
      status: 200,
      body: { errors: [{ name: "question", error: messages.dialogUsed }] },
    });
    await h.dev.idle();
    expect(h.model.requests).toHaveLength(calls);
    expect(h.dooray.postsFor(replay.hookId)).toEqual([]);
  });

  it("stores every one of five follow-ups submitted at once", async () => {
    const { buttons } = await ask("다섯 갈래");
    const callbackIds: string[] = [];
    for (let index = 0; index < 5; index++) {
      await h.press(buttons.followUp!);
      callbackIds.push(h.dooray.dialogs.at(-1)!.body.callbackId);
    }
    const hooks = callbackIds.map(() => h.dooray.newResponseUrl());
    await Promise.all(callbackIds.map((callbackId, index) => h.submitDialog(callbackId, `갈래 ${index}`, { responseUrl: hooks[index]!.responseUrl })));
    await h.dev.idle();

    const conversationId = buttons.share!.split(".")[2]!;
    const stored = await loadConversation(h.dev.table, conversationId, Math.floor(Date.now() / 1000));
    expect(stored!.turns.map((turn) => turn.question).sort()).toEqual(["갈래 0", "갈래 1", "갈래 2", "갈래 3", "갈래 4", "다섯 갈래"]);
  });

  it("asks again in the dialog for an empty follow-up", async () => {
    const { buttons } = await ask("빈 후속");
    await h.press(buttons.followUp!);
    expect(await h.submitDialog(h.dooray.dialogs.at(-1)!.body.callbackId, "   ")).toEqual({
      status: 200,
      body: { errors: [{ name: "question", error: messages.followUpEmpty }] },
    });
  });

  it("says so when Dooray does not open the dialog", async () => {
    const { buttons } = await ask("창이 안 열릴 질문");
    h.dooray.refuseNextDialog();
    expect((await h.press(buttons.followUp!)).body).toEqual({ responseType: "ephemeral", replaceOriginal: false, text: messages.dialogFailed });
  });

  it("refuses a made-up button value as not this person's", async () => {
    expect((await h.press("v1.share.abcdefgh-1234.0.1700000000." + "x".repeat(43))).body).toMatchObject({ text: messages.pressNotYours });
    expect((await h.press("not a value")).body).toMatchObject({ text: messages.pressNotYours });
    expect(USER_ID).toBe("3456789123456789123");
  });
});
