import { commandMessages } from "./commandMessages.js";

/** Everything a person in Dooray reads, in one place: short, kind, Korean (a command's own in commandMessages.ts). */
export const messages = {
  ...commandMessages,
  /** The job waited longer than the queue allows for a free worker. */
  busy: "지금 질문이 많아 차례가 오기 전에 멈췄어요. 잠시 후 다시 물어봐 주세요.",
  /** The worker crashed or was stopped at its time limit before it could answer. */
  workerFailed: "답변을 만들다가 문제가 생겨 멈췄어요. 다시 한 번 물어봐 주시고, 계속되면 관리자에게 알려 주세요.",

  notConfigured: "아직 AI 모델 키가 설정되지 않았어요. 관리자에게 설정을 부탁해 주세요.",
  keyRejected: "AI 모델이 API 키를 받아 주지 않았어요. 관리자에게 키 확인을 부탁해 주세요.",
  rateLimited: "지금 AI 모델에 요청이 몰려 있어요. 잠시 후 다시 물어봐 주세요.",
  modelFailed: "AI 모델 쪽에 문제가 생겼어요. 잠시 후 다시 물어봐 주세요.",
  timedOut: "답변이 너무 오래 걸려서 멈췄어요. 질문을 조금 나눠서 다시 물어봐 주세요.",
  streamBroken: "답변을 받는 중에 연결이 끊겼어요. 다시 한 번 물어봐 주세요.",
  emptyAnswer: "AI 모델이 빈 답변을 보냈어요. 질문을 조금 바꿔서 다시 물어봐 주세요.",
  cutOffNote: "⚠️ 답변이 여기서 끊겼어요.",
  answerTooLong: "⚠️ 답변이 너무 길어 여기까지만 보여 드려요. 더 필요한 부분을 좁혀서 다시 물어봐 주세요.",
  writingMarker: " ▍",
  moreComing: "(계속 작성 중…)",

  /**
   * A daily budget cannot hold this question; no model is called. A question holds back the most it may cost before
   * it is asked, so a budget with room left can still be too small: the text says so in numbers that `사용량` shows.
   */
  budgetExceeded: (refusal: BudgetRefusal, timeZone: string) => {
    const whose = refusal.scope === "user" ? "나의" : refusal.scope === "channel" ? "이 채널의" : "이 봇 전체의";
    const refill = `한도는 매일 0시(${timeZoneName(timeZone)})에 다시 채워져요.`;
    if (refusal.needed > refusal.limit) {
      return `이 질문은 답하는 데 최대 ${tokens(refusal.needed)}이 필요해서 ${whose} 하루 사용 한도(${tokens(refusal.limit)})를 넘어요. 질문을 줄여서 다시 물어봐 주세요.`;
    }
    if (refusal.used >= refusal.limit) return `오늘 ${whose} 사용 한도(${tokens(refusal.limit)})를 다 썼어요. ${refill}`;
    return (
      `오늘 ${whose} 사용 한도 ${tokens(refusal.limit)} 중 ${tokens(refusal.limit - refusal.used)}이 남았는데, ` +
      `이 질문에 답하려면 최대 ${tokens(refusal.needed)}을 미리 잡아 둬야 해요(답한 뒤에는 실제로 쓴 만큼만 남아요). ${refill}`
    );
  },
  /** The budget table could not be reached, so the question was not answered (the budgets cannot be kept). */
  storeUnavailable: "지금은 사용량을 확인하지 못해 답변을 시작하지 않았어요. 잠시 후 다시 물어봐 주세요.",
  usageUnavailable: "지금은 사용량을 읽지 못했어요. 잠시 후 다시 확인해 주세요.",
  usage: (report: UsageReport) =>
    [
      `📊 오늘 사용량 (${report.day}, 매일 0시 ${timeZoneName(report.timeZone)} 초기화)`,
      `- 나: ${usedOf(report.user.tokens, report.limits.user)} · 답변 ${report.user.answered.toLocaleString("ko-KR")}개`,
      `- 이 채널: ${usedOf(report.channel.tokens, report.limits.channel)} · 답변 ${report.channel.answered.toLocaleString("ko-KR")}개`,
      ...(report.total && report.limits.total ? [`- 봇 전체: ${usedOf(report.total.tokens, report.limits.total)}`] : []),
      `질문할 때마다 질문 길이에 답변 몫(최대 ${tokens(report.maxOutputTokens)})을 더해 미리 잡아 두고, 답한 뒤 실제로 쓴 만큼만 남겨요. 남은 한도가 그보다 적으면 새 질문은 받지 않아요.`,
    ].join("\n"),

  buttons: { share: "채널에 공유", regenerate: "다시 생성", followUp: "이어서 질문", task: "할 일로 만들기" },
  /** Posted to the channel by 채널에 공유: who asked, what, and the answer. */
  shared: (userName: string, question: string, answer: string) => `💬 ${userName} 님의 질문\n> ${question.replaceAll("\n", "\n> ")}\n\n${answer}`,
  sharedCut: "…(답변이 길어 앞부분만 공유했어요)",
  pressNotYours: "이 버튼은 질문한 분만 쓸 수 있어요. 궁금한 점은 /gpt로 직접 물어봐 주세요.",
  pressExpired: "이 대화는 24시간이 지나 이어갈 수 없어요. /gpt로 새로 물어봐 주세요.",
  /** A button under 24 hours old whose conversation is not stored: never blamed on the 24 hours, which it is not. */
  conversationGone: "이 대화를 찾지 못했어요. 잠시 후 다시 눌러 주시고, 그래도 안 되면 /gpt로 새로 물어봐 주세요.",
  pressUnavailable: "지금은 이 버튼을 처리하지 못했어요. 잠시 후 다시 눌러 주세요.",
  dialogFailed: "질문 창을 열지 못했어요. 잠시 후 다시 눌러 주시거나 /gpt로 새로 물어봐 주세요.",
  followUpDialog: {
    title: "이어서 질문",
    submitLabel: "질문하기",
    label: "앞의 대화에 이어서 물어볼 내용",
    placeholder: "예) 세 번째 항목을 더 자세히 설명해 줘",
  },
  followUpEmpty: "물어볼 내용을 적어 주세요.",
  /** A follow-up dialog answers one question; a second submission of the same dialog is refused. */
  /** Under an answer: personal data was masked before the model saw it. */
  personalDataMasked: (kinds: string) => `🔒 개인정보(${kinds})는 가리고 AI에게 보냈어요.`,
  /** block: a question holding personal data, refused before any model call. */
  personalDataBlocked: (kinds: string) => `🔒 이 채널에서는 개인정보가 담긴 질문을 AI에게 보내지 않아요: ${kinds}. 번호를 빼고 다시 물어봐 주세요.`,
  /** 채널에 공유 of an answer built from Dooray content: who may read it, asked first. */
  shareDialog: {
    title: "채널에 공유",
    submitLabel: "공유",
    label: (places: readonly string[]) =>
      `이 답변은 ${places.join(", ")} 자료로 만들었어요. 채널에는 그 구성원이 아닌 사람도 있을 수 있어요. 그래도 공유할까요?`,
    confirm: "네, 채널에 공유해요",
  },
  /** The share dialog was submitted, but the answer could not be posted to the channel. */
  shareFailed: "채널에 공유하지 못했어요. 잠시 후 답변 아래 「채널에 공유」를 다시 눌러 주세요.",
  /** A dialog left open past its limit: a new one comes from the answer's button. */
  dialogExpired: (hours: number) => `이 창은 연 지 ${hours}시간이 지나 제출할 수 없어요. 답변 아래 버튼을 다시 눌러 주세요.`,
  dialogUsed: "이 질문 창은 이미 제출했어요. 더 물어보려면 답변 아래 「이어서 질문」을 다시 눌러 주세요.",
  followUpHeader: (question: string) => `↪️ ${question}`,

  /** 할 일로 만들기: the dialog, prefilled from the question and the answer; nothing is created until it is submitted. */
  taskDialog: { title: "할 일로 만들기", submitLabel: "업무 만들기", titleLabel: "제목", bodyLabel: "내용" },
  taskTitleEmpty: "업무 제목을 적어 주세요.",
  taskDialogUsed: "이 업무 창은 이미 제출했어요. 다시 만들려면 답변 아래 「할 일로 만들기」를 눌러 주세요.",
  /** The body was cut to fit the dialog. */
  taskBodyCut: "…(답변이 길어 앞부분만 담았어요)",
  /** A 할 일로 만들기 press in a channel whose profile has no taskProject (any more). */
  taskNotConfigured: "이 채널은 업무를 만들 수 있게 설정되지 않았어요. 관리자에게 문의해 주세요.",

  /** Under a failure in a channel that keeps its questions in Korea: the endpoints abroad were not tried. */
  keptInKorea: "이 채널의 질문은 국내에서만 처리하도록 설정되어 있어 해외 모델로는 보내지 않았어요.",
  /** A channel that keeps its questions in Korea, in an environment with no endpoint in Korea: nothing is sent. */
  noEndpointInKorea: "이 채널의 질문은 국내에서만 처리하도록 설정되어 있는데, 국내 AI 모델이 설정되어 있지 않아 보내지 않았어요. 관리자에게 알려 주세요.",
} as const;

/** Why a budget refused a question, in the numbers the person sees in `사용량`. */
export interface BudgetRefusal {
  readonly scope: "user" | "channel" | "total";
  readonly limit: number;
  /** Counted today when it refused: settled answers plus the holds of questions still running. */
  readonly used: number;
  /** What this question had to hold back: its prompt's bound plus the most it may answer. */
  readonly needed: number;
}

export interface UsageReport {
  /** Held back for every answer before it is asked (BOT_MAX_OUTPUT_TOKENS). */
  readonly maxOutputTokens: number;
  readonly day: string;
  readonly timeZone: string;
  readonly user: { readonly tokens: number; readonly answered: number };
  readonly channel: { readonly tokens: number; readonly answered: number };
  /** The whole bot's use, when it has a daily limit. */
  readonly total?: { readonly tokens: number; readonly answered: number };
  readonly limits: { readonly user: number; readonly channel: number; readonly total?: number };
}

function tokens(count: number): string {
  return `${Math.max(0, count).toLocaleString("ko-KR")} 토큰`;
}

/** "1,200 / 50,000 토큰 (2%)", or "1,200 토큰 (한도 없음)". */
function usedOf(used: number, limit: number): string {
  if (limit === 0) return `${tokens(used)} (한도 없음)`;
  const percent = Math.min(100, Math.floor((Math.max(0, used) / limit) * 100));
  return `${Math.max(0, used).toLocaleString("ko-KR")} / ${tokens(limit)} (${percent}%)`;
}

function timeZoneName(timeZone: string): string {
  return timeZone === "Asia/Seoul" ? "한국 시간" : timeZone;
}
