/**
 * What the edge says to a command: the acknowledgement, help, and why a request was refused. Apart from the rest
 * of messages.ts so that a cold command loads only these (npm run bench).
 */
export const commandMessages = {
  ack: "⏳ 답변을 준비하고 있어요…",
  help: [
    "🤖 /gpt 사용법",
    "- /gpt 질문 : AI에게 질문해요. 답변은 준비되는 대로 이 메시지에 채워져요.",
    "- /gpt usage (또는 /gpt 사용량) : 오늘 쓴 양과 남은 한도를 보여 줘요.",
    "- /gpt help : 이 도움말을 보여 줘요.",
    "예) /gpt 이번 주 배포 체크리스트 정리해줘",
    "답변 아래 버튼: 채널에 공유 · 다시 생성 · 이어서 질문(앞의 대화를 기억해요, 24시간).",
    "답변은 나에게만 보여요. 채널에 공유하면 모두가 볼 수 있어요.",
  ].join("\n"),
  /** Help in a channel with a profile names it. */
  helpWithProfile: (profileName: string) => `${commandMessages.help}\n이 채널은 「${profileName}」 설정으로 답해요.`,
  questionTooLong: (max: number) => `질문이 너무 길어요. ${max.toLocaleString("ko-KR")}자 이내로 줄여서 다시 물어봐 주세요.`,
  dispatchFailed: "지금은 답변을 시작하지 못했어요. 잠시 후 다시 물어봐 주세요.",
  secretUnavailable: "봇 설정을 읽지 못했어요. 잠시 후 다시 물어보시고, 계속되면 관리자에게 알려 주세요.",
  edge: {
    methodNotAllowed: "POST 요청만 받을 수 있어요.",
    tooLarge: "요청이 너무 커요. 64KiB 이하로 보내 주세요.",
    malformed: "요청 형식이 올바르지 않아요.",
    unauthorized: "앱 토큰이 올바르지 않아요. Dooray 앱 설정을 확인해 주세요.",
    tenantNotAllowed: "이 테넌트에서는 이 봇을 사용할 수 없어요.",
    responseUrlNotAllowed: "응답 주소(responseUrl)가 허용 목록에 없어요.",
    misconfigured: "봇 설정에 문제가 있어요. 관리자에게 알려 주세요.",
  },
} as const;
