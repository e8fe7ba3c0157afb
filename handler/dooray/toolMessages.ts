import { messages } from "./messages.js";

/** "플랫폼 프로젝트, 운영 위키": the places, each with its kind. */
const placesOf = (left: { projects: readonly string[]; wikis: readonly string[] }) =>
  [...left.projects.map((name) => `${name} 프로젝트`), ...left.wikis.map((name) => `${name} 위키`)].join(", ");

const LOOKING_UP = { search: "🔎 업무를 찾는 중…", wiki: "📖 위키를 읽는 중…", read: "📄 자료를 읽는 중…" };

/**
 * What a person reads about the channel's Dooray tools and the tasks made from answers: the worker's texts, kept
 * apart from messages.ts so that the edge's cold start does not load them. Short, kind, Korean.
 */
export const toolMessages = {
  /** While the channel's Dooray tools run, before the answer's first words. */
  lookingUp: (tools: readonly string[]) =>
    tools.every((tool) => tool.includes("wiki")) ? LOOKING_UP.wiki : tools.some((tool) => tool === "search_tasks") ? LOOKING_UP.search : LOOKING_UP.read,
  /** Every progress text of a tool round (a client playing Dooray tells them from a final answer). */
  lookingUpTexts: Object.values(LOOKING_UP) as readonly string[],
  /** The sources an answer used, under it: each a title and its link. */
  sources: (items: readonly { title: string; url: string }[]) =>
    ["참고한 자료:", ...items.map((item) => `- ${item.title || "(제목 없음)"}: ${item.url}`)].join("\n"),
  /** Tools need the bot account's token; the channel's scope is set but the token is not. */
  toolsNotConfigured: "⚠️ 이 채널의 두레이 자료를 읽으려면 관리자가 봇 계정의 API 토큰을 설정해야 해요. 이번 답변은 자료 없이 드려요.",
  /** Under an answer made by the last call the budget could hold, without more tools. */
  answeredWithinBudget: (dropped: boolean) =>
    `ℹ️ 오늘 남은 사용 한도에 맞춰 더 찾지 않고${dropped ? ", 읽은 자료 일부만으로" : " 지금까지 읽은 자료로"} 답했어요.`,
  /** Before a budget refusal that came after tool rounds: what happened, in words. */
  refusedAfterTools: (rounds: number) => `두레이 자료를 ${rounds}번 찾아 읽었지만, 그 자료로 답할 만큼 오늘 사용 한도가 남지 않았어요.`,
  /** Under an answer: the scope's projects and wikis the asker is not a member of, left out of it. */
  notMember: (left: { projects: readonly string[]; wikis: readonly string[] }) => `🔒 ${placesOf(left)}는 구성원만 볼 수 있어서 이번 답변에는 넣지 않았어요.`,
  /** Under an answer: Dooray could not say whether the asker is a member, so these were left out this time. */
  membershipUnchecked: (left: { projects: readonly string[]; wikis: readonly string[] }) =>
    `⚠️ 두레이가 제때 답하지 않아 ${placesOf(left)}의 구성원인지 확인하지 못했어요. 이번 답변에는 넣지 않았어요.`,
  taskCreated: (title: string, link: string) => `✅ 업무를 만들었어요: ${title}\n${link}`,
  /** A press found the task an earlier one made (its answer was lost): no second task. */
  taskAlreadyMade: (title: string, link: string) => `✅ 방금 같은 제목으로 만든 업무가 있어서 새로 만들지 않았어요: ${title}\n${link}`,
  /** The POST got no answer: Dooray may or may not have made it. */
  taskOutcomeUnknown: (projectLink: string, minutes: number) =>
    `⏳ 두레이가 제때 답하지 않아 업무가 만들어졌는지 알 수 없어요. 프로젝트에서 먼저 확인해 주세요: ${projectLink}\n다시 누르면 ${minutes}분 안에 같은 제목으로 만든 업무가 있는지 먼저 찾아보고, 있으면 새로 만들지 않아요.`,
  /** Dooray refused or could not be reached: why, in words the person can act on. */
  taskFailed: (reason: "tokenRejected" | "forbidden" | "notFound" | "rateLimited" | "badRequest" | "unavailable" | "notConfigured", doorayMessage?: string) =>
    ({
      tokenRejected: "두레이가 봇 계정의 API 토큰을 받아 주지 않아 업무를 만들지 못했어요. 관리자에게 토큰 확인을 부탁해 주세요.",
      forbidden: "봇 계정에 이 프로젝트의 업무를 만들 권한이 없어 만들지 못했어요. 관리자에게 알려 주세요.",
      notFound: "업무를 만들 프로젝트를 찾지 못했어요. 관리자에게 채널 설정 확인을 부탁해 주세요.",
      rateLimited: "지금 두레이에 요청이 몰려 업무를 만들지 못했어요. 잠시 후 다시 눌러 주세요.",
      badRequest: `두레이가 업무를 만들지 않았어요${doorayMessage ? `: ${doorayMessage}` : "."} 프로젝트에 필수 태그가 있다면 두레이에서 직접 만들어 주세요.`,
      unavailable: `두레이가 제때 답하지 않아 업무를 만들지 못했어요${doorayMessage ? ` (${doorayMessage})` : ""}. 잠시 후 다시 눌러 주세요.`,
      notConfigured: messages.taskNotConfigured,
    })[reason],
};
