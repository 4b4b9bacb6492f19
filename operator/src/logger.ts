/** winston logger: JSON lines when not on a terminal (collectors parse them), readable text on one. */
import winston from 'winston';
import type { OperatorConfig } from './config.js';

export function createLogger(config: Pick<OperatorConfig, 'logLevel' | 'logFormat'>, isTTY: boolean): winston.Logger {
  const json = config.logFormat === 'json' || (config.logFormat === 'auto' && !isTTY);
  const format = json
    ? winston.format.combine(winston.format.timestamp(), winston.format.json())
    : winston.format.combine(winston.format.timestamp(), winston.format.printf((info) => {
      const { level, message, timestamp, ...meta } = info;
      const extra = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
      return `${String(timestamp)} ${level.toUpperCase()} ${String(message)}${extra}`;
    }));
  return winston.createLogger({ level: config.logLevel, format, transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })] });
}
