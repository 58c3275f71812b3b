/** Structured log fields. Never put secrets, keys or signed headers in here. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A pino-shaped logger port: fields first, then the message. */
export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

const nothing = (): void => undefined;

/** The default: the library says nothing unless given a logger. */
export const silentLogger: Logger = { debug: nothing, info: nothing, warn: nothing, error: nothing };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** One JSON object per line on the given stream (stderr for the CLI). Errors are reduced to code and message. */
export function createJsonLogger(
  write: (line: string) => void,
  minimumLevel: LogLevel = 'info',
  now: () => number = Date.now,
): Logger {
  const log =
    (level: LogLevel) =>
    (fields: LogFields, message: string): void => {
      if (LEVEL_RANK[level] < LEVEL_RANK[minimumLevel]) return;
      const entry: Record<string, unknown> = { level, time: new Date(now()).toISOString(), msg: message };
      for (const [key, value] of Object.entries(fields)) entry[key] = toLoggable(value);
      write(`${JSON.stringify(entry)}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function toLoggable(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return value;
}
