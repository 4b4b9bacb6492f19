// The harness's logger. Quiet by default so mocha's output stays readable;
// E2E_LOG_LEVEL=info (or debug) shows what the bed and the node agent do.
import winston from 'winston';

export const log: winston.Logger = winston.createLogger({
  level: process.env['E2E_LOG_LEVEL'] ?? 'warn',
  format: winston.format.combine(
    winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
    winston.format.printf((info) => {
      const { level, message, timestamp, ...rest } = info;
      const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
      return `[e2e ${String(timestamp)}] ${level}: ${String(message)}${fields}`;
    }),
  ),
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
});
