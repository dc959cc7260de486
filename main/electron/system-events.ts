import { net, powerMonitor } from 'electron';
import type { SystemEvent } from '../desktop/session/machine-conditions.js';

/**
 * The OS's power and network news, passed on to the desktop app: suspend, resume, screen lock
 * and unlock from powerMonitor; online and offline from a cheap poll (Electron has no online
 * event in the main process). Returns the way to stop listening.
 */
export function watchSystemEvents(deliver: (e: SystemEvent) => void, onResume: () => void): () => void {
  const handlers: [string, () => void][] = [
    ['suspend', () => deliver('suspend')],
    [
      'resume',
      () => {
        deliver('resume');
        onResume();
      },
    ],
    ['lock-screen', () => deliver('lock-screen')],
    ['unlock-screen', () => deliver('unlock-screen')],
  ];
  for (const [event, fn] of handlers) powerMonitor.on(event as 'suspend', fn);
  let online = net.isOnline();
  const poll = setInterval(() => {
    const now = net.isOnline();
    if (now !== online) deliver(now ? 'online' : 'offline');
    online = now;
  }, 5_000);
  poll.unref();
  return () => {
    clearInterval(poll);
    for (const [event, fn] of handlers) powerMonitor.off(event as 'suspend', fn);
  };
}
