import { ago, clockTime } from '../shared/status-words.js';

export { ago, clockTime };

const dateTime = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

export function when(ms: number): string {
  return dateTime.format(new Date(ms));
}

export function inTime(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${Math.max(min, 0)} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}

export const KIND_WORDS: Readonly<Record<string, string>> = {
  incoming_call: 'Call',
  missed_call: 'Missed call',
  inbound_message: 'Message',
  chat_message: 'Team chat',
  summary: 'Summary',
  activity: 'Activity',
};
