/**
 * Korean personal data found in text a model will see (docs/privacy.md, "Personal data"): resident and foreigner
 * registration numbers, card numbers, passport and driver's licence numbers, and bank account numbers near a word
 * that says so. Pure, no network, one pass of a few regular expressions: it runs on every question, conversation and
 * tool result before the request is built. It reduces the risk, it does not remove it: names, addresses and free
 * text pass.
 */
export type PersonalDataKind = "rrn" | "card" | "passport" | "driverLicence" | "account";

/** The placeholder a match becomes, in the words a Korean reader expects. */
export const PLACEHOLDER: Readonly<Record<PersonalDataKind, string>> = {
  rrn: "[주민등록번호]",
  card: "[카드번호]",
  passport: "[여권번호]",
  driverLicence: "[운전면허번호]",
  account: "[계좌번호]",
};

/** What each kind is called in a sentence. */
export const KIND_NAMES: Readonly<Record<PersonalDataKind, string>> = {
  rrn: "주민등록번호",
  card: "카드번호",
  passport: "여권번호",
  driverLicence: "운전면허번호",
  account: "계좌번호",
};

export type PersonalDataCounts = Partial<Record<PersonalDataKind, number>>;

export interface Masked {
  readonly text: string;
  readonly counts: PersonalDataCounts;
}

/**
 * 주민등록번호 and 외국인등록번호: YYMMDD, an optional hyphen, a gender digit 1-8, six more digits. The date must be
 * real; the checksum is not asked for (numbers issued since October 2020 have random last digits).
 */
const RRN = /(?<![\d-])(\d{2})(\d{2})(\d{2})-?([1-8])\d{6}(?![\d-])/g;
/** 13 to 19 digits, alone or in groups of 4 (4-4-4-4, 4-4-4-4-3) or Amex's 4-6-5, separated by spaces or hyphens. */
const CARD = /(?<![\d-])(?:\d{13,16}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([ -])\d{6}\2\d{5})(?![\d-])/g;
/** Korean passports: a letter, then 8 digits; or the older letter, 3 digits, letter, 4 digits. */
const PASSPORT = /(?<![A-Za-z0-9])[MSRGD](?:\d{8}|\d{3}[A-Z]\d{4})(?![A-Za-z0-9])/g;
/** Driver's licences: region 11-28, then 2, 6 and 2 digits, with hyphens. */
const LICENCE = /(?<![\d-])(?:1[1-9]|2[0-8])-\d{2}-\d{6}-\d{2}(?![\d-])/g;
/** A bank account: 10 to 14 digits in 2 to 4 hyphenated groups, within a few words after a word that says so. */
const ACCOUNT =
  /(계좌|입금|송금|이체|은행|국민|신한|우리|하나|농협|기업|카카오뱅크|토스뱅크|케이뱅크|새마을|우체국|수협|부산|대구|광주|경남|전북|제주|SC제일|씨티)([^\d\n]{0,20})(?<![\d-])(\d{2,7}(?:-\d{2,7}){1,3})(?![\d-])/g;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function realDate(yy: string, mm: string, dd: string, gender: string): boolean {
  const month = Number(mm);
  const day = Number(dd);
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]!) return false;
  if (month !== 2 || day !== 29) return true;
  // 1, 2, 5, 6: born in the 1900s; 3, 4, 7, 8: in the 2000s.
  const year = (["3", "4", "7", "8"].includes(gender) ? 2000 : 1900) + Number(yy);
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Every kind's matches replaced by its placeholder, and how many of each. */
export function maskPersonalData(text: string): Masked {
  const counts: PersonalDataCounts = {};
  const found = (kind: PersonalDataKind) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    return PLACEHOLDER[kind];
  };
  let out = text.replace(LICENCE, () => found("driverLicence"));
  out = out.replace(RRN, (whole, yy: string, mm: string, dd: string, gender: string) => (realDate(yy, mm, dd, gender) ? found("rrn") : whole));
  out = out.replace(CARD, (whole: string) => {
    const digits = whole.replace(/[ -]/g, "");
    return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? found("card") : whole;
  });
  out = out.replace(PASSPORT, () => found("passport"));
  out = out.replace(ACCOUNT, (whole, word: string, between: string, number: string) => {
    const digits = number.replace(/-/g, "").length;
    return digits >= 10 && digits <= 14 ? `${word}${between}${found("account")}` : whole;
  });
  return { text: out, counts };
}

/** The counts of two passes added. */
export function addCounts(into: PersonalDataCounts, more: PersonalDataCounts): PersonalDataCounts {
  for (const [kind, count] of Object.entries(more) as [PersonalDataKind, number][]) into[kind] = (into[kind] ?? 0) + count;
  return into;
}

export const anyFound = (counts: PersonalDataCounts) => Object.values(counts).some((count) => (count ?? 0) > 0);

/** "주민등록번호 1건, 카드번호 2건". */
export const describeCounts = (counts: PersonalDataCounts) =>
  (Object.entries(counts) as [PersonalDataKind, number][])
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${KIND_NAMES[kind]} ${count}건`)
    .join(", ");
