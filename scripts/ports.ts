import { createServer, connect } from 'node:net';

/** Whether something accepts TCP connections at `host`:`port` within `timeoutMs`. */
export function isListening(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** `port` when it is free on 127.0.0.1 (0: a port the system picks), else `undefined`. */
export function freePort(port = 0): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const actual = (server.address() as { port: number }).port;
      server.close(() => resolve(actual));
    });
  });
}
