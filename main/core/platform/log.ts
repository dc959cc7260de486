import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { redactor, type Redactor } from './redact.js';
import { terminalSafe } from './untrusted-text.js';

/**
 * The logging surface the core depends on. pino does the work (levels, serialisation, speed);
 * this wrapper guarantees every message and field passes the redactor first, because tokens
 * can hide in error messages and URLs, not only in known field names — and loses every control
 * character, because messages quote servers and callers and the human format goes to a terminal.
 */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  level?: LogLevel;
  /** 'human' for a terminal (stderr), 'json' for log shippers; or a custom stream (Electron adapter, tests). */
  format?: 'human' | 'json';
  destination?: DestinationStream;
  redactor?: Redactor;
}

class RedactingLogger implements Logger {
  constructor(
    private readonly inner: PinoLogger,
    private readonly r: Redactor,
  ) {}

  private emit(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void {
    if (!this.inner.isLevelEnabled(level)) return;
    const safeMsg = this.r.redact(terminalSafe(msg));
    if (fields === undefined) this.inner[level](safeMsg);
    else this.inner[level](this.r.redactValue(fields, terminalSafe) as Record<string, unknown>, safeMsg);
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.emit('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.emit('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.emit('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.emit('error', msg, fields);
  }

  child(bindings: Record<string, unknown>): Logger {
    return new RedactingLogger(this.inner.child(this.r.redactValue(bindings, terminalSafe) as Record<string, unknown>), this.r);
  }
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const r = opts.redactor ?? redactor;
  const destination =
    opts.destination ??
    (opts.format === 'json'
      ? pino.destination({ dest: 2, sync: true })
      : pretty({
          destination: 2,
          sync: true,
          colorize: process.stderr.isTTY,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
          singleLine: true,
        }));
  return new RedactingLogger(pino({ level, base: undefined }, destination), r);
}

/** For callers that want no output (library use, tests that assert on behaviour instead). */
export function silentLogger(): Logger {
  return createLogger({ level: 'silent', destination: pino.destination({ dest: 2, sync: true }) });
}
