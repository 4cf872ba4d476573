/*
 * The `pcap` netdev: a port with no wire whose traffic lives in classic pcap files, with
 * OVS netdev-dummy's options:
 *   tx_pcap=FILE   frames the switch sends out of the port are appended (tcpdump/tshark read it)
 *   rxq_pcap=FILE  frames the port receives are appended
 *   pcap=FILE      both directions into one file
 * and one tsovs option to feed it:
 *   replay_pcap=FILE  the frames of FILE enter the switch on this port, in bursts of 32,
 *                     once a datapath listens (`replayed` resolves with the count).
 * Frames can also be injected from code with receive(), as with the dummy netdev.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import type { Packet } from '../packet/packet.js';
import { SoftNetdev } from './netdev-base.js';
import { NETDEV_MAX_BURST, registerNetdevType, type ReceiveHandler } from './netdev.js';
import { checkOptions, type Options } from './options.js';
import type { RxTap } from './rx-batcher.js';
import {
  checkPcapHeader,
  parsePcap,
  PCAP_HEADER_LEN,
  PCAP_RECORD_HEADER_LEN,
  pcapFileHeader,
  writePcapRecordHeader,
} from './pcap-format.js';

const KNOWN = ['tx_pcap', 'rxq_pcap', 'pcap', 'replay_pcap'] as const;
const CHUNK = 1 << 16;

function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** Appends frames to a pcap file (header written when the file is new or empty), buffered per burst. */
export class PcapWriter {
  private fd: number;
  private readonly chunk = new Uint8Array(CHUNK);
  private used = 0;
  private scheduled = false;
  private readonly flushFn = (): void => this.flush();
  frames = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a+');
    try {
      const size = fstatSync(this.fd).size;
      if (size === 0) {
        writeSync(this.fd, pcapFileHeader());
      } else {
        const head = new Uint8Array(Math.min(size, PCAP_HEADER_LEN));
        readSync(this.fd, head, 0, head.length, 0);
        checkPcapHeader(head, path);
      }
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  write(buf: Uint8Array, start: number, len: number): void {
    if (this.fd < 0) return;
    const need = PCAP_RECORD_HEADER_LEN + len;
    if (this.used + need > CHUNK) this.flush();
    if (need > CHUNK) {
      const rec = new Uint8Array(need);
      writePcapRecordHeader(rec, 0, nowUs(), len);
      rec.set(buf.subarray(start, start + len), PCAP_RECORD_HEADER_LEN);
      writeSync(this.fd, rec);
    } else {
      writePcapRecordHeader(this.chunk, this.used, nowUs(), len);
      this.chunk.set(buf.subarray(start, start + len), this.used + PCAP_RECORD_HEADER_LEN);
      this.used += need;
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(this.flushFn);
      }
    }
    this.frames++;
  }

  flush(): void {
    this.scheduled = false;
    if (this.used === 0 || this.fd < 0) return;
    writeSync(this.fd, this.chunk, 0, this.used);
    this.used = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}

export class PcapNetdev extends SoftNetdev {
  /** Resolves with the number of frames replayed from replay_pcap (0 without one). */
  readonly replayed: Promise<number>;
  private readonly tx: PcapWriter | null;
  private readonly rxq: PcapWriter | null;
  private readonly rxTap: RxTap | null;
  private readonly replayFrames: Uint8Array[];
  private replayPos = 0;
  private replayStarted = false;
  private resolveReplay: (n: number) => void = () => {};

  constructor(name: string, options: Options = {}) {
    checkOptions(name, 'pcap', options, KNOWN);
    super(name, 'pcap');
    const both = options['pcap'];
    const replay = options['replay_pcap'];
    this.replayFrames = replay === undefined ? [] : parsePcap(readFileSync(replay), replay).map((r) => r.data);
    this.replayed = new Promise((resolve) => {
      this.resolveReplay = resolve;
    });
    if (replay === undefined) this.resolveReplay(0);
    if (both !== undefined) {
      this.tx = new PcapWriter(both);
      this.rxq = this.tx;
    } else {
      this.tx = options['tx_pcap'] !== undefined ? new PcapWriter(options['tx_pcap']) : null;
      const rq = options['rxq_pcap'];
      this.rxq = rq === undefined ? null : rq === options['tx_pcap'] ? this.tx : new PcapWriter(rq);
    }
    const rxq = this.rxq;
    this.rxTap = rxq === null ? null : (p) => rxq.write(p.buf, p.start, p.len);
    this.setLinkUp(true); // until closed
  }

  override setReceiveHandler(handler: ReceiveHandler | null): void {
    super.setReceiveHandler(handler);
    if (handler !== null && !this.replayStarted && this.replayFrames.length > 0) {
      this.replayStarted = true;
      setImmediate(() => this.replayBurst());
    }
  }

  private replayBurst(): void {
    if (this.closed) {
      this.resolveReplay(this.replayPos);
      return;
    }
    if (this.rx.handler === null) {
      this.replayStarted = false; // resumes when a handler is set again
      return;
    }
    const end = Math.min(this.replayPos + NETDEV_MAX_BURST, this.replayFrames.length);
    this.rx.deliver(this.replayFrames, this.replayPos, end, this.rxTap);
    this.replayPos = end;
    if (end < this.replayFrames.length) setImmediate(() => this.replayBurst());
    else this.resolveReplay(end);
  }

  /** Inject one frame as received; false when nothing listens. */
  receive(frame: Uint8Array): boolean {
    return this.rx.deliver([frame], 0, 1, this.rxTap) === 1;
  }

  send(packet: Packet): boolean {
    if (this.closed) {
      this.stats.txDropped++;
      return false;
    }
    if (this.tx !== null) this.tx.write(packet.buf, packet.start, packet.len);
    this.stats.txPackets++;
    this.stats.txBytes += packet.len;
    return true;
  }

  /** Writes buffered records now (they are also written at the end of each burst). */
  flush(): void {
    this.tx?.flush();
    this.rxq?.flush();
  }

  close(): void {
    if (!this.markClosed()) return;
    this.tx?.close();
    if (this.rxq !== this.tx) this.rxq?.close();
    if (this.replayPos >= this.replayFrames.length) this.resolveReplay(this.replayPos);
  }
}

registerNetdevType('pcap', (name, options) => new PcapNetdev(name, options));

/** Reads a whole pcap file into frames (for tools and tests). */
export function readPcapFrames(path: string): Uint8Array[] {
  return parsePcap(readFileSync(path), path).map((r) => new Uint8Array(r.data));
}

