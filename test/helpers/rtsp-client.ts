/**
 * A small RTSP client for tests, on a TCP socket, a WebSocket (rtsp.onvif.org) or any duplex:
 * requests with automatic CSeq and Digest retry (qop=auth, nonce-count), responses and
 * interleaved frames parsed with the project's own RtspReader (the server is what is tested).
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { createRequest, serializeRequest, type RtspResponse } from '../../src/protocol/rtsp/message.js';
import { RtspReader } from '../../src/protocol/rtsp/reader.js';
import { authParam, parseWwwAuthenticate, serializeAuthorization } from '../../src/protocol/rtsp/headers/auth.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface Pipe {
  write(bytes: Uint8Array): void;
  close(): void;
}

export class RtspTestClient {
  credentials: Credentials | undefined;
  /** Called for every interleaved frame; default: counted per channel. */
  onFrame: ((channel: number, payload: Uint8Array) => void) | undefined;
  readonly frameCounts = new Map<number, number>();
  closed = false;
  readonly #reader = new RtspReader({ maxBodyBytes: 1024 * 1024 });
  readonly #pipe: Pipe;
  readonly #waiting: ((res: RtspResponse) => void)[] = [];
  /** Responses that arrived before anyone asked for them. */
  readonly #unclaimed: RtspResponse[] = [];
  readonly #closeWaiters: (() => void)[] = [];
  #cseq = 0;
  #nc = 0;
  #challenge: RtspResponse | undefined;

  private constructor(pipe: Pipe) {
    this.#pipe = pipe;
  }

  /** A client on any byte pipe; feed what comes back with receive() and call closedByPeer() at the end. */
  static over(pipe: Pipe): RtspTestClient {
    return new RtspTestClient(pipe);
  }

  closedByPeer(): void {
    this.#onClose();
  }

  static tcp(port: number, host = '127.0.0.1'): Promise<RtspTestClient> {
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(port, host, () => {
        socket.off('error', reject);
        const client = new RtspTestClient({ write: (b) => socket.write(b), close: () => socket.destroy() });
        client.socket = socket;
        socket.on('data', (chunk) => client.receive(chunk));
        socket.on('error', () => undefined);
        socket.on('close', () => client.#onClose());
        resolve(client);
      });
      socket.once('error', reject);
    });
  }

  static webSocket(url: string, protocols: string[] = ['rtsp.onvif.org'], options: { rejectUnauthorized?: boolean } = {}): Promise<RtspTestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, options);
      ws.binaryType = 'nodebuffer';
      ws.once('error', reject);
      ws.once('open', () => {
        const client = new RtspTestClient({ write: (b) => ws.send(b), close: () => ws.terminate() });
        client.webSocket = ws;
        ws.on('message', (data: Buffer) => client.receive(data));
        ws.on('close', () => client.#onClose());
        resolve(client);
      });
    });
  }

  socket: Socket | undefined;
  webSocket: WebSocket | undefined;

  /** Raw bytes to the server (for malformed-input tests). */
  writeRaw(bytes: Uint8Array | string): void {
    this.#pipe.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  receive(chunk: Uint8Array): void {
    this.#reader.push(chunk);
    for (let item = this.#reader.next(); item !== null; item = this.#reader.next()) {
      if (item.kind === 'response') {
        const waiter = this.#waiting.shift();
        if (waiter) waiter(item.msg);
        else this.#unclaimed.push(item.msg);
      }
      else if (item.kind === 'interleaved') {
        this.frameCounts.set(item.channel, (this.frameCounts.get(item.channel) ?? 0) + 1);
        this.onFrame?.(item.channel, item.payload);
      }
    }
  }

  /** The next response (for raw writes). */
  nextResponse(timeoutMs = 5000): Promise<RtspResponse> {
    const early = this.#unclaimed.shift();
    if (early) return Promise.resolve(early);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no RTSP response')), timeoutMs);
      this.#waiting.push((res) => {
        clearTimeout(timer);
        resolve(res);
      });
    });
  }

  /** Sends a request; on 401 with credentials set, answers the Digest challenge once. */
  async request(method: string, uri: string, headers: Record<string, string> = {}, body?: Uint8Array): Promise<RtspResponse> {
    // Once challenged, later requests carry credentials up front (same nonce, next nonce-count).
    const explicit = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
    const known = this.#challenge && this.credentials && !explicit ? this.#digest(this.#challenge, method, uri) : undefined;
    let res = await this.#send(method, uri, known ? { ...headers, Authorization: known } : headers, body);
    if (res.status === 401 && this.credentials && !explicit) {
      this.#challenge = res;
      const authorization = this.#digest(res, method, uri);
      if (authorization) res = await this.#send(method, uri, { ...headers, Authorization: authorization }, body);
    }
    return res;
  }

  /** Resolves when the server closes the connection. */
  whenClosed(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connection not closed')), timeoutMs);
      this.#closeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.#pipe.close();
  }

  #onClose(): void {
    this.closed = true;
    for (const w of this.#closeWaiters.splice(0)) w();
  }

  #send(method: string, uri: string, headers: Record<string, string>, body?: Uint8Array): Promise<RtspResponse> {
    const req = createRequest(method, uri, { CSeq: String(++this.#cseq), ...headers }, body);
    const pending = this.nextResponse(10_000);
    this.#pipe.write(serializeRequest(req));
    return pending;
  }

  #digest(res: RtspResponse, method: string, uri: string): string | undefined {
    const challenges = parseWwwAuthenticate(res.headers.getAll('WWW-Authenticate')).filter((c) => c.scheme.toLowerCase() === 'digest');
    const challenge = challenges.find((c) => (authParam(c, 'algorithm') ?? 'MD5').toUpperCase() === 'SHA-256') ?? challenges[0];
    if (!challenge || !this.credentials) return undefined;
    const algorithm = (authParam(challenge, 'algorithm') ?? 'MD5').toUpperCase();
    const hash = (s: string): string => createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5').update(s).digest('hex');
    const realm = authParam(challenge, 'realm') ?? '';
    const nonce = authParam(challenge, 'nonce') ?? '';
    const nc = (++this.#nc).toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const ha1 = hash(`${this.credentials.username}:${realm}:${this.credentials.password}`);
    const ha2 = hash(`${method}:${uri}`);
    const response = hash(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
    const opaque = authParam(challenge, 'opaque');
    return serializeAuthorization({
      scheme: 'digest', username: this.credentials.username, realm, nonce, uri, response, algorithm, qop: 'auth', nc, cnonce,
      ...(opaque !== undefined ? { opaque } : {}),
    });
  }
}
