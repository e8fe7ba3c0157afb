import { describe, expect, it } from "vitest";
import { messages } from "../../handler/dooray/messages.js";
import { SAMPLE_PROJECT_ID, SAMPLE_WIKI_ID } from "../../handler/dev/sampleDoorayApi.js";
import { CHANNEL_ID, finalPosts } from "../support/harness.js";
import { sampleDoorayHarness } from "../support/sampleDoorayHarness.js";

/**
 * The personal-data guard end to end (docs/privacy.md, "Personal data"): what the model receives, what is stored and
 * shared, what a blocking channel refuses, and what the logs say.
 */
const BLOCKING_CHANNEL = "7777777777777777777";
const RRN = "900101-1234567";
const CARD = "4111-1111-1111-1111";

describe("personal data never leaves unmasked", () => {
  const setup = sampleDoorayHarness({
    [CHANNEL_ID]: { name: "플랫폼", dooray: { projects: [SAMPLE_PROJECT_ID], wikis: [SAMPLE_WIKI_ID] } },
    [BLOCKING_CHANNEL]: { name: "고객지원", personalData: "block", dooray: { projects: [SAMPLE_PROJECT_ID], wikis: [] } },
  });

  const ask = async (question: string, channelId = CHANNEL_ID) => {
    const sent = await setup.h.command(question, { channelId });
    await setup.h.dev.idle();
    const posts = finalPosts(setup.h.dooray.postsFor(sent.hookId));
    const last = posts.at(-1)!.body as { text: string; attachments?: { actions: { name: string; value: string }[] }[] };
    return {
      final: posts.map((post) => post.body.text).join("\n"),
      buttons: Object.fromEntries((last.attachments ?? []).flatMap((block) => block.actions).map((action) => [action.name, action.value])),
    };
  };
  const sentToModel = (from: number) => JSON.stringify(setup.h.model.requests.slice(from).map((request) => request.body.messages));

  it("masks a resident registration number before the model sees it, says so, and stores and shares only the masked question", async () => {
    const before = setup.h.model.requests.length;
    const { final, buttons } = await ask(`이 고객 주민번호 ${RRN}로 조회해줘`);
    const received = setup.h.model.requests[before]!.body.messages.at(-1)!.content;
    expect(received).toBe("이 고객 주민번호 [주민등록번호]로 조회해줘");
    expect(sentToModel(before)).not.toContain(RRN);
    expect(final).toContain(messages.personalDataMasked("주민등록번호 1건"));
    // What was stored is what 채널에 공유 posts: the masked question.
    const shared = await setup.h.press(buttons.share!);
    expect(String(shared.body.text)).toContain("[주민등록번호]");
    expect(String(shared.body.text)).not.toContain(RRN);
    const finished = setup.h.logs.map((line) => JSON.parse(line)).findLast((line) => line.event === "job.finished");
    expect(finished).toMatchObject({ outcome: "answered", personalData: { rrn: 1 }, ChannelId: CHANNEL_ID, PersonalDataFound: 1 });
    // The per-channel count is an embedded metric, with the channel as its dimension.
    expect(finished._aws.CloudWatchMetrics).toContainEqual({
      Namespace: "DoorayGpt",
      Dimensions: [["Environment", "ChannelId"]],
      Metrics: [{ Name: "PersonalDataFound", Unit: "Count" }],
    });
  });

  it("masks a tool result's card number before the model reads it", async () => {
    const task = setup.api.addTask("결제 오류 문의", `고객 카드 ${CARD} 결제가 두 번 됐어요`);
    const before = setup.h.model.requests.length;
    const { final } = await ask(`[[call:read_task:{"taskId":"${task}"}]]`);
    expect(sentToModel(before)).toContain("고객 카드 [카드번호] 결제가 두 번 됐어요");
    expect(sentToModel(before)).not.toContain(CARD);
    expect(final).not.toContain(CARD);
    expect(final).toContain(messages.personalDataMasked("카드번호 1건"));
  });

  it("in a blocking channel, refuses a question holding personal data before any model call, and still masks tool results", async () => {
    const before = setup.h.model.requests.length;
    const { final } = await ask(`카드 ${CARD} 환불해줘`, BLOCKING_CHANNEL);
    expect(setup.h.model.requests.length).toBe(before);
    expect(final).toBe(messages.personalDataBlocked("카드번호 1건"));
    const refused = setup.h.logs.map((line) => JSON.parse(line)).findLast((line) => line.event === "job.finished");
    expect(refused).toMatchObject({ outcome: "refused", reason: "personalData", personalData: { card: 1 } });
    // A question without any is answered, and what a tool reads is masked, not sent whole.
    const task = setup.api.addTask("환불 문의", `주민번호 ${RRN} 고객 환불 요청`);
    const asked = setup.h.model.requests.length;
    await ask(`[[call:read_task:{"taskId":"${task}"}]]`, BLOCKING_CHANNEL);
    expect(sentToModel(asked)).toContain("[주민등록번호]");
    expect(sentToModel(asked)).not.toContain(RRN);
  });

  it("never writes a number into any log line", () => {
    const logs = setup.h.logs.join("\n");
    for (const number of [RRN, RRN.replace("-", ""), CARD, CARD.replace(/-/g, "")]) expect(logs).not.toContain(number);
  });
});
