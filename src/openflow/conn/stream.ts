/*
 * Byte-stream transport over Node's net module (OVS stream-tcp / stream-unix and their
 * passive forms): connect to an active target, listen on a passive one. A punix listener
 * replaces a stale socket file and removes its file when closed, as OVS does.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { ActiveTarget, PassiveTarget } from './target.js';

export interface Listener {
  /** "ptcp:PORT:IP" with the bound port, or "punix:PATH". */
  readonly name: string;
  /** The bound TCP port (0 for punix). */
  readonly port: number;
  close(): Promise<void>;
}

/** Starts connecting; the socket emits 'connect' or 'error'. */
export function connectStream(t: ActiveTarget): net.Socket {
  const sock = t.kind === 'tcp' ? net.connect({ host: t.host, port: t.port }) : net.connect({ path: t.path });
  sock.setNoDelay?.(true);
  return sock;
}

/** A name for an accepted connection, like OVS's vconn names ("tcp:1.2.3.4:5678", "unix#3"). */
let unixSerial = 0;
function peerName(sock: net.Socket, unix: boolean): string {
  if (unix) return `unix#${++unixSerial}`;
  const a = sock.remoteAddress ?? '?';
  return `tcp:${a.includes(':') ? `[${a}]` : a}:${sock.remotePort ?? 0}`;
}

function removeStaleSocket(path: string): void {
  try {
    if (fs.lstatSync(path).isSocket()) fs.unlinkSync(path);
  } catch {
    // missing: nothing to do
  }
}

/** Listens on a passive target; `onConnection` gets each accepted socket with its name. */
export function listenStream(t: PassiveTarget, onConnection: (sock: net.Socket, name: string) => void): Promise<Listener> {
  const unix = t.kind === 'punix';
  const server = net.createServer({ noDelay: true }, (sock) => onConnection(sock, peerName(sock, unix)));
  if (unix) removeStaleSocket(t.path);
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    const ready = (): void => {
      server.off('error', onError);
      server.on('error', () => undefined);
      const addr = server.address();
      const port = addr !== null && typeof addr === 'object' ? addr.port : 0;
      const name = unix ? `punix:${t.path}` : `ptcp:${port}:${t.host}`;
      let closed: Promise<void> | null = null;
      resolve({
        name,
        port,
        close: () =>
          (closed ??= new Promise<void>((res) => {
            server.close(() => res());
            if (unix) {
              try {
                fs.unlinkSync(t.path);
              } catch {
                // already gone
              }
            }
          })),
      });
    };
    if (unix) server.listen(t.path, ready);
    else server.listen(t.port, t.host, ready);
  });
}
