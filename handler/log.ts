/**
 * Structured logs: one JSON object per line, one line per event. Secrets never reach a log call by design; as a
 * second line of defence every value registered with `redact` is masked in each line before it is written.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  (level: LogLevel, event: string, fields?: LogFields): void;
}

const redacted = new Set<string>();

/** Masks this value in every later log line (secrets shorter than 6 characters are too generic to mask). */
export function redact(secret: string | undefined): void {
  if (secret && secret.length >= 6) redacted.add(secret);
}

export function createLogger(write: (line: string) => void = (line) => process.stdout.write(line + "\n")): Logger {
  return (level, event, fields = {}) => {
    let line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }, errorsAsObjects);
    for (const secret of redacted) line = line.split(secret).join("[redacted]");
    write(line);
  };
}

function errorsAsObjects(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.constructor.name === "Error" ? value.name : value.constructor.name, message: value.message };
  return value;
}
