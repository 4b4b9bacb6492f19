import winston from 'winston';

export type Logger = winston.Logger;

/**
 * Structured logs: JSON lines when stdout is not a TTY (log collectors), readable
 * colourised lines otherwise. Messages are capitalised facts; fields carry the details.
 */
export function createLogger(level: string, format: 'auto' | 'json' | 'text', fields: Record<string, string>): Logger {
  const json = format === 'json' || (format === 'auto' && !process.stdout.isTTY);
  const formatter = json
    ? winston.format.combine(winston.format.timestamp(), winston.format.json())
    : winston.format.combine(
      winston.format.colorize(),
      winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
      winston.format.printf(({ level: lvl, message, timestamp, ...rest }) => {
        const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
        return `${String(timestamp)} ${lvl} ${String(message)}${extra}`;
      }),
    );
  return winston.createLogger({ level, format: formatter, defaultMeta: fields, transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })] });
}
