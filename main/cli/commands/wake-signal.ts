import { watchLogindSleep, type Logger, type SleepWatch } from '../../core/platform/index.js';
import type { NotifierSession } from '../../core/session/index.js';

/**
 * The command learns of sleep from logind where it can (core/platform/logind-sleep.ts): the session
 * is told of each wake-up, so it reconnects at once. Where logind cannot tell (no system bus, another
 * OS, logind stopped), the stream finds a sleep from the clock at the server's next ping or at its
 * silence deadline (core/stream/liveness.ts). Returns the way to stop.
 */
export function followLogindSleep(session: NotifierSession, log: Logger, env: NodeJS.ProcessEnv = process.env): () => void {
  let watch: SleepWatch | undefined;
  let stopped = false;
  void watchLogindSleep(env, {
    sleeping: () => log.debug('logind: the computer is going to sleep'),
    woke: (sleptAt) => {
      log.info('logind: the computer woke from sleep');
      session.wokeUp(sleptAt);
    },
    lost: (reason) => {
      watch = undefined;
      log.info(`${reason}: sleep is found from the clock only`);
    },
  }).then(
    (w) => {
      if (typeof w === 'string') {
        log.debug(`sleep is found from the clock (${w})`);
        return;
      }
      if (stopped) {
        w.dispose();
        return;
      }
      watch = w;
      log.debug('sleep and wake-ups are told by logind');
    },
    (e: unknown) => log.debug(`sleep is found from the clock (${e instanceof Error ? e.message : String(e)})`),
  );
  return () => {
    stopped = true;
    watch?.dispose();
    watch = undefined;
  };
}
