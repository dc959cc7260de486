/**
 * Settings an administrator can lock through the provisioning file. Shared so the settings window
 * can show a lock and disable the control, and the main process can refuse the edit.
 */
export const LOCKABLE_SETTINGS = [
  'apiUrl',
  'topics',
  'autostart',
  'consoleUrlTemplate',
  'notifications.kinds',
  'notifications.callsBreakThroughDnd',
  'notifications.quietHours',
  'notifications.privacy',
  'notifications.customerCalls',
  'notifications.callWindow',
  'notifications.storm',
  'notifications.wrapUpSeconds',
  'notifications.backToAvailable',
  'notifications.awayOnLock',
  'notifications.liveTranscripts',
] as const;

export type LockableSetting = (typeof LOCKABLE_SETTINGS)[number];
