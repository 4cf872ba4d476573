/*
 * Splits a byte stream into top-level JSON values, as OVS's JSON-RPC streams carry them
 * (one object after another, no framing). Tracks brace depth outside strings; whitespace
 * between values is skipped. Pure: usable for any stream transport.
 */

export class JsonStreamError extends Error {}

export class JsonSplitter {
  private buf = '';
  private scanned = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** Feeds text; returns the complete values it finished, parsed. Throws JsonStreamError. */
  push(chunk: string): unknown[] {
    this.buf += chunk;
    if (this.buf.length > this.maxBytes) throw new JsonStreamError('message too long');
    const out: unknown[] = [];
    let i = this.scanned;
    for (; i < this.buf.length; i++) {
      const c = this.buf[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (this.depth === 0) {
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
        if (c !== '{' && c !== '[') throw new JsonStreamError(`unexpected character ${JSON.stringify(c)} between messages`);
        this.start = i;
      }
      if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') {
        this.depth--;
        if (this.depth === 0) {
          const text = this.buf.slice(this.start, i + 1);
          try {
            out.push(JSON.parse(text));
          } catch (e) {
            throw new JsonStreamError(`invalid JSON: ${(e as Error).message}`);
          }
          this.buf = this.buf.slice(i + 1);
          i = -1;
          this.start = -1;
        }
      }
    }
    this.scanned = this.buf.length;
    return out;
  }
}
