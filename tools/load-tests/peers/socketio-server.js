'use strict';
// Socket.IO 4.8 peer of the chat cluster: WebSocket transport only, every receiving socket
// joined into one room, and each `chat` event broadcast to that room with a server seq and
// stamp. A socket that connects with ?role=sender is not joined (like the cluster's sender,
// which is a member but not subscribed), so deliveries = receivers x messages.
//   node socketio-server.js [port]
const http = require('node:http');
const { Server } = require('socket.io');
const { port, stamped, parseIncoming, ready } = require('./common');

const ROOM = 'bench';
const server = http.createServer((req, res) => {
  res.writeHead(404).end();
});
const io = new Server(server, {
  transports: ['websocket'],
  serveClient: false,
  // the defaults, written out: no compression (the cluster compresses nothing either),
  // 1 MB largest message, ping every 25 s with 20 s to answer
  perMessageDeflate: false,
  maxHttpBufferSize: 1e6,
  pingInterval: 25000,
  pingTimeout: 20000,
});

let seq = 0;
let refused = 0;
io.on('connection', (socket) => {
  if (socket.handshake.query.role !== 'sender') {
    socket.join(ROOM);
  }
  socket.on('chat', (payload) => {
    const incoming = parseIncoming(payload);
    if (incoming === null) {
      refused += 1;
      return;
    }
    seq += 1;
    // one encoding per broadcast: the adapter writes the same packet to every socket of the room
    io.to(ROOM).emit('chat', stamped(seq, incoming));
  });
});

process.on('exit', () => {
  process.stderr.write('socketio-server: ' + seq + ' messages broadcast, ' + refused + ' refused\n');
});

server.listen(port(), '127.0.0.1', () => ready('socketio-server', server.address().port));
