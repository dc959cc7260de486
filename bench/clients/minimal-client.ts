import WebSocket from 'ws';

/**
 * The least any notifier must do with the feed, as a yardstick for the real command: skip exact
 * copies of recent frames (VoIPBIN sends every event twice, PROTOCOL.md §1.7), JSON.parse each
 * distinct frame, and print one short JSON line per accepted frame — written the way a careful
 * client would write them (one write per socket read, not per line).
 * argv: WebSocket URL, bearer token.
 */
const [url = '', token = ''] = process.argv.slice(2);
const RING = 256;
const recent = new Set<string>();
const order: string[] = [];
const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
let pending = '';
let scheduled = false;
const flush = (): void => {
  scheduled = false;
  process.stdout.write(pending);
  pending = '';
};
ws.on('open', () => process.stdout.write('ready\n'));
ws.on('message', (data: Buffer) => {
  const text = data.toString('utf8');
  if (recent.has(text)) return;
  recent.add(text);
  order.push(text);
  if (order.length > RING) recent.delete(order.shift() ?? '');
  let id: unknown;
  try {
    id = (JSON.parse(text) as { id?: unknown }).id;
  } catch {
    return;
  }
  pending += `${JSON.stringify({ type: 'event', id: typeof id === 'string' ? id : null })}\n`;
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
ws.on('close', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
