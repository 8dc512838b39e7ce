'use strict';
// Bare ws 8 peer of the chat cluster: each message a sender sends is stamped with a server
// seq and time and written to every connected receiving socket, encoded once. A socket that
// connects with ?role=sender receives nothing (like the cluster's sender), so
// deliveries = receivers x messages.
//   node ws-server.js [port]
const http = require('node:http');
const { WebSocketServer, WebSocket } = require('ws');
const { port, stamped, parseIncoming, ready } = require('./common');

const server = http.createServer((req, res) => {
  res.writeHead(404).end();
});
// the defaults, written out: no compression, the first subprotocol the client offers
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
const receivers = new Set();

let seq = 0;
let refused = 0;
wss.on('connection', (socket, request) => {
  const role = new URL(request.url, 'http://127.0.0.1').searchParams.get('role');
  if (role !== 'sender') {
    receivers.add(socket);
    socket.on('close', () => receivers.delete(socket));
  }
  socket.on('error', () => socket.terminate());
  socket.on('message', (data, isBinary) => {
    let incoming = null;
    if (!isBinary) {
      try {
        incoming = parseIncoming(JSON.parse(data.toString('utf8')));
      } catch (e) {
        incoming = null;
      }
    }
    if (incoming === null) {
      refused += 1;
      return;
    }
    seq += 1;
    const frame = Buffer.from(JSON.stringify(stamped(seq, incoming)), 'utf8');
    for (const receiver of receivers) {
      if (receiver.readyState === WebSocket.OPEN) {
        receiver.send(frame, { binary: false });
      }
    }
  });
});

process.on('exit', () => {
  process.stderr.write('ws-server: ' + seq + ' messages broadcast, ' + refused + ' refused\n');
});

server.listen(port(), '127.0.0.1', () => ready('ws-server', server.address().port));
