/**
 * What the machine itself says about the connection's chances: asleep or awake, online or not.
 * The OS reports it (main/electron/system-events.ts); each report may call for reconnecting at
 * once instead of waiting for the watchdog, and this says when and why.
 */
export type SystemEvent = 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen' | 'online' | 'offline';

export class MachineConditions {
  private isOnline = true;
  private isSuspended = false;
  private suspendedAt: number | undefined;

  get online(): boolean {
    return this.isOnline;
  }

  get suspended(): boolean {
    return this.isSuspended;
  }

  /** Wall ms the machine last went to sleep, if the OS said so: what a catch-up after the wake-up reaches back to. */
  get sleptAt(): number | undefined {
    return this.suspendedAt;
  }

  /** Takes an OS report (`now`: wall ms); returns why to reconnect now, or undefined to leave the connection be. */
  apply(e: SystemEvent, streamUp: boolean, now: number): string | undefined {
    switch (e) {
      case 'suspend':
        this.isSuspended = true;
        this.suspendedAt = now;
        return undefined;
      case 'resume':
        this.isSuspended = false;
        // The socket is suspect after sleep: don't wait for the watchdog. Catch-up follows the new subscription.
        return 'the computer woke from sleep';
      case 'unlock-screen':
        return streamUp ? undefined : 'the screen was unlocked';
      case 'lock-screen':
        return undefined;
      case 'online':
        if (this.isOnline) return undefined;
        this.isOnline = true;
        return 'the network is back';
      case 'offline':
        this.isOnline = false;
        return undefined;
    }
  }
}
