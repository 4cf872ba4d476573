/* Small networking helpers shared by tests. */
import * as net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (bind to 0, read it, close). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
