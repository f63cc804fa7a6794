// The realtime service: answers /health after checking its own database and Redis with the injected env,
// and, on WS_PORT, greets each websocket client with one text frame (the gateway's /ws/ route).
import { createHash } from 'node:crypto';
import http from 'node:http';
import { startHealthServer } from '../../../packages/health-server/index.js';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function startWebSocketGreeter(port, host) {
  const server = http.createServer((req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket) => {
    const key = req.headers['sec-websocket-key'];
    if (!key) { socket.destroy(); return; }
    const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const text = Buffer.from(JSON.stringify({ app: 'realtime', hello: true }));
    socket.write(Buffer.concat([Buffer.from([0x81, text.length]), text]));
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(port, host, resolve));
}

if (process.env.WS_PORT) await startWebSocketGreeter(Number(process.env.WS_PORT), process.env.HOST ?? '127.0.0.1');
await startHealthServer({ name: 'realtime' });
