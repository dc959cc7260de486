import { describe, expect, it } from 'vitest';
import type { NotificationSink, PopUp } from '../../main/core/notify/index.js';
import { ReminderPopUp, REMINDER_ID } from '../../main/cli/commands/reminder-pop-up.js';
import { memoryLogger } from '../support/harness.js';

/** A sink whose shows answer only when told: a D-Bus round trip still on its way. */
class SlowSink implements NotificationSink {
  readonly name = 'slow';
  readonly calls: string[] = [];
  private release: (() => void)[] = [];
  show(p: PopUp): Promise<void> {
    this.calls.push(`show ${p.resourceId} started`);
    return new Promise((resolve) =>
      this.release.push(() => {
        this.calls.push(`show ${p.resourceId} done`);
        resolve();
      }),
    );
  }
  withdraw(resourceId: string): Promise<void> {
    this.calls.push(`withdraw ${resourceId}`);
    return Promise.resolve();
  }
  answer(): void {
    for (const r of this.release.splice(0)) r();
  }
}

const reminder = { status: 'busy' as const, callEndedAt: 0, wrapUpMs: 0, message: 'You are still Busy — queue calls cannot reach you' };
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 10));

describe("the headless command's busy reminder pop-up", () => {
  it('a withdrawal asked while the show is on its way waits for it, so it closes the pop-up the show made', async () => {
    const sink = new SlowSink();
    const r = new ReminderPopUp(sink, memoryLogger().logger);
    r.show(reminder);
    r.withdraw();
    await settle();
    expect(sink.calls).toEqual([`show ${REMINDER_ID} started`]);
    sink.answer();
    await settle();
    expect(sink.calls).toEqual([`show ${REMINDER_ID} started`, `show ${REMINDER_ID} done`, `withdraw ${REMINDER_ID}`]);
    expect(r.live).toBe(false);
  });

  it('two reminders in a row replace one pop-up in turn; once ended, nothing more is shown and its button is dead', async () => {
    const sink = new SlowSink();
    const r = new ReminderPopUp(sink, memoryLogger().logger);
    r.show(reminder);
    r.show(reminder);
    await settle();
    // The second waits for the first's id, so it replaces it instead of making another.
    expect(sink.calls).toEqual([`show ${REMINDER_ID} started`]);
    sink.answer();
    await settle();
    sink.answer();
    const ended = r.end();
    sink.answer();
    await ended;
    expect(sink.calls.at(-1)).toBe(`withdraw ${REMINDER_ID}`);
    r.show(reminder);
    await settle();
    expect(sink.calls.filter((c) => c.endsWith('started'))).toHaveLength(2);
    expect(r.live).toBe(false);
  });
});
