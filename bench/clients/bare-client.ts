import WebSocket from 'ws';

/**
 * The receive ceiling: a `ws` client that holds the socket and counts frames, nothing else.
 * argv: WebSocket URL, bearer token, JSON array of cumulative frame counts. Prints `reached N`
 * on stdout when the count reaches each of them, so the benchmark times it the way it times the
 * others: by reading its stdout.
 */
const [url = '', token = '', marks = '[]'] = process.argv.slice(2);
const targets = (JSON.parse(marks) as number[]).sort((a, b) => a - b);
let next = 0;
let count = 0;
const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
ws.on('open', () => process.stdout.write('ready\n'));
ws.on('message', () => {
  count++;
  while (next < targets.length && count >= (targets[next] ?? Infinity)) {
    process.stdout.write(`reached ${targets[next]}\n`);
    next++;
  }
});
ws.on('close', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
