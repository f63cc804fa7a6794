import { createServer } from 'node:net';

function onePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** `count` distinct ports free on 127.0.0.1 right now. */
export async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) ports.add(await onePort());
  return [...ports];
}
