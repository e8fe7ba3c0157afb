import { describe, expect, it } from "vitest";
import { maskPersonalData, type PersonalDataKind } from "../../handler/worker/personalData.js";

/** The Korean personal-data guard (handler/worker/personalData.ts): each kind, its near misses, and what it leaves alone. */
const masked = (text: string) => maskPersonalData(text);
const kindsIn = (text: string) => Object.keys(masked(text).counts).sort();

describe("maskPersonalData", () => {
  const cases: [PersonalDataKind, string[], string[]][] = [
    [
      "rrn",
      [
        "이 고객 주민번호 900101-1234567로 조회해줘",
        "9001011234567",
        "외국인등록번호 850315-5123456",
        "20년 10월 이후 발급: 201015-3456789 (뒷자리 검증번호 없음)",
        "윤년생 000229-3123456",
      ],
      ["901301-1234567", "900132-1234567", "900101-9234567", "900101-12345678", "010229-3123456", "1900101-1234567"],
    ],
    [
      "card",
      ["카드 4111 1111 1111 1111 결제", "4111-1111-1111-1111", "4111111111111111", "아멕스 3782 822463 10005"],
      ["4111 1111 1111 1112", "4111-1111 1111-1111", "4111 1111 1111"],
    ],
    ["passport", ["여권 M12345678 갱신", "구여권 M123A4567", "관용 S98765432"], ["m12345678", "MM12345678", "M1234567", "AM12345678"]],
    ["driverLicence", ["면허번호 11-12-345678-90 확인", "28-99-000001-11"], ["29-12-345678-90", "10-12-345678-90", "11-12-34567-90", "11-12-345678-901"]],
    [
      "account",
      ["국민은행 123-456-789012로 입금해 주세요", "환불 계좌: 110-123-456789", "카카오뱅크 3333-01-1234567 으로 송금"],
      ["123-456-789012", "은행 점검 12-34", "입금 예정일 2026-12-05"],
    ],
  ];
  for (const [kind, hits, misses] of cases) {
    it(`finds ${kind} and leaves its near misses`, () => {
      for (const text of hits) {
        const result = masked(text);
        expect(result.counts[kind], text).toBe(1);
        expect(result.text, text).toContain(
          `[${{ rrn: "주민등록번호", card: "카드번호", passport: "여권번호", driverLicence: "운전면허번호", account: "계좌번호" }[kind]}]`,
        );
        // Nothing of the number is left.
        expect(result.text.match(/\d{4,}/g) ?? [], text).toEqual([]);
      }
      for (const text of misses) expect(kindsIn(text), text).not.toContain(kind);
    });
  }

  it("masks several in one text and counts each kind", () => {
    const result = masked("주민번호 900101-1234567, 카드 4111-1111-1111-1111, 여권 M12345678, 다른 카드 5555555555554444");
    expect(result.counts).toEqual({ rrn: 1, card: 2, passport: 1 });
    expect(result.text).toBe("주민번호 [주민등록번호], 카드 [카드번호], 여권 [여권번호], 다른 카드 [카드번호]");
  });

  /** Korean sentences with numbers that are not personal data: dates, amounts, keys, order numbers, versions, ids. */
  const CORPUS = [
    "2026-12-05 배포 일정 공유드려요",
    "이번 달 매출은 1,234,567원이에요",
    "BOT-1234 이슈 확인 부탁해요",
    "주문번호 20261205-0001234 배송 조회",
    "버전 1.23.4에서 고쳐졌어요",
    "내선 1234로 연락 주세요",
    "두레이 업무 3570526358279082001 확인",
    "프로젝트 id 3570526358279081523 에 올렸어요",
    "회의는 14:30에 3층 301호",
    "우편번호 06236로 보내 주세요",
    "사업자등록번호 123-45-67890 입니다",
    "예산 12,000,000원 중 8,500,000원 사용",
    "트래픽이 20261205 기준 15% 늘었어요",
    "빌드 번호 #4521 실패",
    "PR 987 머지했어요",
    "서버 10.0.0.12 재시작",
    "오류율 0.25%로 떨어졌어요",
    "2026년 12월 5일 오후 3시",
    "테스트 505개 통과",
    "응답 시간 p99 23.19 ms",
    "커밋 522c1ad에서 확인",
    "은행 점검 시간은 23:30~00:30이에요",
    "입금은 12월 10일에 해요",
    "카드 결제 한도 3,000,000원",
    "계좌 개설 안내 문서 링크",
    "전화 02-1234-5678",
    "신청 건수 1234567건",
    "타임스탬프 1790000000",
    "주문 20261205-1234567-01",
    "ISBN 978-89-12345-67-8",
  ];

  it(`changes none of a corpus of ${CORPUS.length} Korean sentences with numbers that are not personal data`, () => {
    const changed = CORPUS.filter((text) => masked(text).text !== text);
    expect(changed).toEqual([]);
  });

  it("masks every match in 10 KB of Korean text (its cost is the bench's to measure)", () => {
    const text = "배포 체크리스트를 확인하고 고객 900101-1234567 건은 보류해 주세요. 카드 4111-1111-1111-1111 결제 건도 확인. ".repeat(80);
    expect(Buffer.byteLength(text)).toBeGreaterThan(10_000);
    for (let warm = 0; warm < 20; warm++) maskPersonalData(text);
    expect(maskPersonalData(text).counts).toEqual({ rrn: 80, card: 80 });
  });
});
