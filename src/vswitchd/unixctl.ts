/*
 * The control socket (OVS unixctl): a Unix socket speaking JSON-RPC. A request is
 * {"id", "method", "params": [strings]}; the reply is {"id", "result": string, "error": null}
 * or {"id", "result": null, "error": string}. Commands are registered by name with argument
 * counts and a usage string; `list-commands` and `version` are built in. Real ovs-appctl can
 * talk to it (`ovs-appctl -t /path/to/tsovs-vswitchd.<pid>.ctl version`).
 */
import * as net from 'node:net';
import { promises as fsp } from 'node:fs';
import { JsonSplitter } from './json-stream.js';
import type { VlogModule } from './vlog.js';
import { coverageCounter } from '../util/coverage.js';

const COV_RECEIVED = coverageCounter('unixctl_received');
const COV_REPLIED = coverageCounter('unixctl_replied');

/** Thrown by a handler to send an error reply with this text. */
export class UnixctlError extends Error {}

/** Handles one command: `args` are the request's params; returns the reply text. */
export type UnixctlHandler = (args: string[]) => string | Promise<string>;

interface Command {
  usage: string;
  minArgs: number;
  maxArgs: number;
  handler: UnixctlHandler;
}

interface Request {
  id: unknown;
  method: unknown;
  params: unknown;
}

export interface UnixctlServerOptions {
  /** What `version` replies (OVS: "ovs-vswitchd (Open vSwitch) 3.3.0"). */
  version: string;
  log?: VlogModule;
}

export class UnixctlServer {
  private readonly commands = new Map<string, Command>();
  private readonly sockets = new Set<net.Socket>();
  private listening = false;

  private constructor(
    readonly path: string,
    private readonly server: net.Server,
    private readonly opts: UnixctlServerOptions,
  ) {
    this.register('list-commands', '', 0, 0, () => this.listCommands());
    this.register('version', '', 0, 0, () => `${opts.version}\n`);
    server.on('connection', (s) => this.accept(s));
  }

  /** A server for `path` that does not listen yet (commands can be registered first). */
  static create(path: string, opts: UnixctlServerOptions): UnixctlServer {
    return new UnixctlServer(path, net.createServer(), opts);
  }

  /** Creates a server and listens on `path`. */
  static async listen(path: string, opts: UnixctlServerOptions): Promise<UnixctlServer> {
    const s = UnixctlServer.create(path, opts);
    await s.start();
    return s;
  }

  /** Starts listening (a stale socket file at the path is replaced). */
  async start(): Promise<void> {
    await fsp.unlink(this.path).catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.path, () => {
        this.server.off('error', reject);
        this.listening = true;
        resolve();
      });
    });
  }

  /** Registers `name`; a later registration of the same name replaces it. */
  register(name: string, usage: string, minArgs: number, maxArgs: number, handler: UnixctlHandler): void {
    this.commands.set(name, { usage, minArgs, maxArgs, handler });
  }

  unregister(name: string): void {
    this.commands.delete(name);
  }

  has(name: string): boolean {
    return this.commands.has(name);
  }

  private listCommands(): string {
    const names = [...this.commands.keys()].sort();
    return `The available commands are:\n${names.map((n) => `  ${n.padEnd(23)} ${this.commands.get(n)!.usage}\n`).join('')}`;
  }

  private accept(sock: net.Socket): void {
    this.sockets.add(sock);
    sock.setEncoding('utf8');
    const splitter = new JsonSplitter();
    let chain = Promise.resolve();
    sock.on('data', (chunk: string) => {
      let msgs: unknown[];
      try {
        msgs = splitter.push(chunk);
      } catch (e) {
        this.opts.log?.warn(`unixctl connection: ${(e as Error).message}, closing`);
        sock.destroy();
        return;
      }
      for (const m of msgs) chain = chain.then(() => this.process(sock, m));
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => this.sockets.delete(sock));
  }

  private async process(sock: net.Socket, msg: unknown): Promise<void> {
    const req = msg as Request;
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg) || typeof req.method !== 'string') {
      // A reply or a notification without a method: OVS ignores what it does not expect.
      return;
    }
    COV_RECEIVED.count++;
    if (req.method === 'echo') {
      this.send(sock, { id: req.id, result: req.params ?? [], error: null });
      return;
    }
    const id = req.id ?? null;
    const cmd = this.commands.get(req.method);
    const params = Array.isArray(req.params) ? (req.params as unknown[]) : [];
    let error: string | null = null;
    let result: string | null = null;
    if (!cmd) {
      error = `"${req.method}" is not a valid command (use "list-commands" to see a list of valid commands)`;
    } else if (params.length < cmd.minArgs) {
      error = `"${req.method}" command requires at least ${cmd.minArgs} arguments`;
    } else if (params.length > cmd.maxArgs) {
      error = `"${req.method}" command takes at most ${cmd.maxArgs} arguments`;
    } else if (params.some((p) => typeof p !== 'string')) {
      error = `"${req.method}" command has non-string argument`;
    } else {
      try {
        result = await cmd.handler(params as string[]);
      } catch (e) {
        if (!(e instanceof UnixctlError)) this.opts.log?.err(`${req.method}: ${(e as Error).stack ?? String(e)}`);
        error = (e as Error).message || String(e);
      }
    }
    if (id === null) return;
    this.send(sock, error === null ? { id, result: result ?? '', error: null } : { id, result: null, error });
  }

  private send(sock: net.Socket, msg: object): void {
    COV_REPLIED.count++;
    if (!sock.destroyed) sock.write(JSON.stringify(msg));
  }

  /** Stops listening, closes connections and removes the socket file. */
  async close(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    for (const s of this.sockets) s.end();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await fsp.unlink(this.path).catch(() => undefined);
  }
}

export interface UnixctlReply {
  result: string | null;
  error: string | null;
}

/**
 * A connection or transport failure; `code` is the errno name (ENOENT, ECONNREFUSED,
 * ETIMEDOUT), or EOF when the server closed the connection before replying.
 */
export class UnixctlClientError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * Sends one request on a fresh connection and waits for its reply.
 * Rejects with UnixctlClientError when the socket cannot be reached or the time runs out.
 */
export function unixctlTransact(path: string, method: string, params: string[], timeoutMs = 0): Promise<UnixctlReply> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(path);
    const splitter = new JsonSplitter();
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: UnixctlClientError | null, reply?: UnixctlReply): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    if (timeoutMs > 0) {
      timer = setTimeout(() => finish(new UnixctlClientError('timeout expired', 'ETIMEDOUT')), timeoutMs);
    }
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify({ id: 0, method, params })));
    sock.on('data', (chunk: string) => {
      let msgs: unknown[];
      try {
        msgs = splitter.push(chunk);
      } catch (e) {
        finish(new UnixctlClientError(`protocol error: ${(e as Error).message}`, 'EPROTO'));
        return;
      }
      for (const m of msgs) {
        const r = m as { id?: unknown; result?: unknown; error?: unknown };
        if (r.id !== 0) continue;
        const error = r.error === null || r.error === undefined ? null : typeof r.error === 'string' ? r.error : JSON.stringify(r.error);
        const result = r.result === null || r.result === undefined ? null : typeof r.result === 'string' ? r.result : JSON.stringify(r.result);
        finish(null, { result, error });
        return;
      }
    });
    sock.on('error', (e: NodeJS.ErrnoException) => finish(new UnixctlClientError(e.message, e.code ?? 'EIO')));
    sock.on('close', () => finish(new UnixctlClientError('connection closed by the server', 'EOF')));
  });
}
