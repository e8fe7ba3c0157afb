/** The sample Dooray API's data (npm run dev and try without a tenant; the tests): one project, its tasks, a wiki with two pages. */

export const SAMPLE_PROJECT_ID = "3570526358279081523";
export const SAMPLE_WIKI_ID = "3570526358279081999";
export const SAMPLE_TOKEN = "sample-dooray-api-token";
/** The bot account's member id (GET /common/v1/members/me): the author of the tasks it creates. */
export const SAMPLE_BOT_MEMBER_ID = "3570526358279089000";
/** A second project, locked: nobody is its member unless a test says so (setMembers). */
export const SAMPLE_LOCKED_PROJECT_ID = "3570526358279081600";
/** Who may read a project: member id → role, or "*" for anyone (the sample project's default, for npm run try). */
export type SampleMembers = Readonly<Record<string, string>>;

export interface SampleTask {
  id: string;
  /** Tasks the bot made through the API: when, and as whom. */
  createdAt?: string;
  creatorId?: string;
  /** The project the task says it is in (a test's misplaced reply); the sample project when absent. */
  projectId?: string;
  number: number;
  subject: string;
  workflowClass: string;
  updatedAt: string;
  body: unknown;
  comments: string[];
}

export interface SamplePage {
  id: string;
  parentPageId: string | undefined;
  subject: string;
  body: string;
}

export const TASKS: SampleTask[] = [
  {
    id: "3570526358279082001",
    number: 41,
    subject: "이번 주 배포 체크리스트",
    workflowClass: "working",
    updatedAt: "2026-11-30T10:00:00+09:00",
    body: "1. 마이그레이션 스크립트 검토\n2. 카나리 10% 배포 후 오류율 확인\n3. 롤백 절차 리허설",
    comments: ["카나리 단계는 화요일 오후로 잡았어요.", "롤백 리허설은 위키의 롤백 절차를 따라 주세요."],
  },
  {
    id: "3570526358279082002",
    number: 42,
    subject: "배포 파이프라인 캐시 개선",
    workflowClass: "registered",
    updatedAt: "2026-11-28T15:30:00+09:00",
    body: "빌드 캐시 적중률이 40%라 배포가 느려요. 의존성 캐시 키를 lockfile 해시로 바꿔요.",
    comments: [],
  },
  {
    id: "3570526358279082003",
    number: 43,
    subject: "로그인 오류 수정",
    workflowClass: "closed",
    updatedAt: "2026-11-20T09:00:00+09:00",
    body: "세션 만료 시 무한 리다이렉트가 나던 문제를 고쳤어요.",
    comments: ["배포 완료"],
  },
];

export const PAGES: SamplePage[] = [
  {
    id: "3570526358279083001",
    parentPageId: undefined,
    subject: "배포 가이드",
    body: "# 배포 가이드\n배포는 화요일과 목요일 오후에만 해요. 배포 전 체크리스트 업무를 확인하세요.",
  },
  {
    id: "3570526358279083002",
    parentPageId: "3570526358279083001",
    subject: "롤백 절차",
    body: "1. 이전 커밋으로 되돌리는 PR을 만든다\n2. 리뷰 후 병합하면 자동 배포된다\n3. 오류율이 정상인지 10분간 본다",
  },
];
