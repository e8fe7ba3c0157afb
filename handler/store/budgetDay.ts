/** One formatter per time zone: creating one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The budget day an instant falls on in the operator's time zone, as YYYY-MM-DD (budgets reset at its midnight). */
export function budgetDay(now: number, timeZone: string): string {
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
