/** One formatter per time zone: creating one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The budget day an instant falls on in the operator's time zone, as YYYY-MM-DD (budgets reset at its midnight).
 * With `fixedOffsetMinutes` (a zone without daylight saving, resolved by the stack at synth) it is plain
 * arithmetic: a time-zone formatter costs 12-16 ms to create on a cold start (ICU data), more than the rest of the
 * edge's request logic together (npm run bench).
 */
export function budgetDay(now: number, timeZone: string, fixedOffsetMinutes?: number): string {
  if (fixedOffsetMinutes !== undefined) return new Date(now + fixedOffsetMinutes * 60_000).toISOString().slice(0, 10);
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** Whether the runtime knows this IANA time zone (Asia/Seoul, UTC, …). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    budgetDay(0, timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's offset from UTC in minutes if it is the same on every day of `year` and the next (no daylight
 * saving), else undefined. For the stack, where the formatter's cost does not matter.
 */
export function fixedOffsetMinutes(timeZone: string, year: number): number | undefined {
  const format = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
  const offsets = new Set<number>();
  for (let day = 0; day < 2 * 366; day += 7) {
    const name = format.formatToParts(Date.UTC(year, 0, 1 + day)).find((part) => part.type === "timeZoneName")?.value ?? "";
    const match = /GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
    if (!match) return undefined;
    offsets.add(match[1] ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0);
  }
  return offsets.size === 1 ? [...offsets][0] : undefined;
}
