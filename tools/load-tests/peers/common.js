'use strict';
// What both peer servers share: the port from the command line, a wall-clock stamp in
// microseconds, the broadcast frame, and an exit when the benchmark that started us goes
// away. Nothing here logs a frame or a body.
const { performance } = require('node:perf_hooks');

/** The port to listen on: the first argument (the benchmark passes a free one), else PORT, else 0. */
function port() {
  const value = process.argv[2] || process.env.PORT || '0';
  const parsed = Number.parseInt(value, 10);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new Error('not a port: ' + value);
  }
  return parsed;
}

/** Epoch microseconds: the process's start in wall-clock time plus the monotonic time since. */
function nowMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * The message every receiving socket gets, stamped once per broadcast: the server's own
 * sequence number (as the cluster's message-service assigns seq), the sender's send index
 * n (the benchmark keeps the send time under it), the server's stamp, and the body.
 */
function stamped(seq, incoming) {
  return { seq, n: incoming.n, ts: nowMicros(), body: incoming.body };
}

/** A message as the sender sends it: {"n": <send index>, "body": <text>}; null when it is not one. */
function parseIncoming(value) {
  if (value === null || typeof value !== 'object' || !Number.isSafeInteger(value.n) || typeof value.body !== 'string') {
    return null;
  }
  return value;
}

/** Announces the port on stdout (the benchmark waits for this line) and exits when stdin closes. */
function ready(name, boundPort) {
  process.stdout.write('listening ' + boundPort + '\n');
  process.stderr.write(name + ' listening on 127.0.0.1:' + boundPort + ' (node ' + process.version + ')\n');
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}

module.exports = { port, nowMicros, stamped, parseIncoming, ready };
