import { createStream, type Options } from 'rotating-file-stream';
import { createLogger, type Logger, type LogLevel } from '../core/platform/index.js';

/**
 * The desktop app's log: JSON lines in the OS log folder, rotated by size so weeks of uptime
 * stay bounded. Lines go through the core's redacting logger, so tokens never reach the file.
 */
export const LOG_FILE = 'main.log';

export interface FileLogOptions {
  dir: string;
  level?: LogLevel;
  /** rotating-file-stream size, e.g. "5M". */
  size?: Options['size'];
  maxFiles?: number;
}

export interface FileLog {
  logger: Logger;
  close(): Promise<void>;
}

export function createFileLog(o: FileLogOptions): FileLog {
  const stream = createStream(LOG_FILE, { path: o.dir, size: o.size ?? '5M', maxFiles: o.maxFiles ?? 5 });
  // A full disk or a vanished folder must not take the app down with it.
  stream.on('error', (e: unknown) => console.error('log file error', e));
  return {
    logger: createLogger({ level: o.level ?? 'info', destination: stream }),
    close: () =>
      new Promise((resolve) => {
        stream.end(() => resolve());
      }),
  };
}
