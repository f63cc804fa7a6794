/**
 * A local TCP port whose connections are tunnelled to a host:port as seen from the node, for clients
 * that only take a host and port (pg, Redis). It listens on 127.0.0.1 only.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';

export interface LocalForward {
  host: '127.0.0.1';
  port: number;
  close(): Promise<void>;
}

export async function listenLocal(openTunnel: () => Promise<Duplex>): Promise<LocalForward> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    openTunnel().then((tunnel) => splice(socket, tunnel), () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  const close = () => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
  return { host: '127.0.0.1', port, close };
}

function splice(socket: net.Socket, tunnel: Duplex): void {
  if (socket.destroyed) return void tunnel.destroy();
  socket.pipe(tunnel).pipe(socket);
  socket.once('close', () => tunnel.destroy());
  tunnel.once('close', () => socket.destroy());
  socket.on('error', () => tunnel.destroy());
  tunnel.on('error', () => socket.destroy());
}
