/* Polling for a condition in tests (a device state, a datagram, a counter). */

/** Polls `cond` every 10 ms; true once it holds, false when `ms` have passed first (generous: a loaded machine is slow, and only a failure waits that long). */
export async function until(cond: () => boolean, ms = 10000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
