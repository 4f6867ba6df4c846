// Incremental reader for one RTSP connection: push() the bytes as they arrive, then call next()
// until it returns null ("need more data"). A connection carries requests, responses and
// interleaved binary frames ('$' channel length payload, RFC 2326 §10.12) in any order.
//
// Bounds are enforced as bytes arrive, so a peer cannot make the reader buffer more than
// one head plus one body. Any violation throws RtspParseError; the reader then stays failed
// (every later next() throws the same error) because the stream can no longer be framed and
// the connection is going to be closed.
import { ChunkQueue } from './chunk-queue.js';
import { RtspParseError } from './errors.js';
import { DEFAULT_HEAD_LIMITS, HeadScanner, parseHead, type HeadLimits, type ParsedHead } from './head.js';
import { INTERLEAVED_HEADER_SIZE, INTERLEAVED_MAGIC } from './interleaved.js';
import type { RtspRequest, RtspResponse } from './message.js';

export interface RtspReaderLimits extends HeadLimits {
  /** Largest accepted Content-Length. */
  maxBodyBytes: number;
}

export const DEFAULT_READER_LIMITS: Readonly<RtspReaderLimits> = {
  ...DEFAULT_HEAD_LIMITS,
  maxBodyBytes: 1024 * 1024,
};

export type RtspReaderItem =
  | { kind: 'request'; msg: RtspRequest }
  | { kind: 'response'; msg: RtspResponse }
  /** `payload` is a view into a pushed chunk when one chunk held it (copied otherwise). */
  | { kind: 'interleaved'; channel: number; payload: Uint8Array };

const enum State {
  /** Between items: skipping stray line endings, then deciding frame or message. */
  Idle,
  Head,
  Body,
  Failed,
}

const CR = 0x0d;
const LF = 0x0a;
const DIGITS = /^\d{1,10}$/;

export class RtspReader {
  readonly #limits: RtspReaderLimits;
  readonly #queue = new ChunkQueue();
  readonly #scanner: HeadScanner;
  #state = State.Idle;
  /** Connection offset of the queue's first byte, for error offsets. */
  #consumed = 0;
  #pendingHead: ParsedHead | undefined;
  #pendingBodyLength = 0;
  #error: RtspParseError | undefined;
  #failedCSeq: string | undefined;

  constructor(limits: Partial<RtspReaderLimits> = {}) {
    this.#limits = { ...DEFAULT_READER_LIMITS, ...limits };
    this.#scanner = new HeadScanner(this.#limits);
  }

  /** Bytes pushed but not yet returned by next(). */
  get buffered(): number {
    return this.#queue.length;
  }

  get failed(): boolean {
    return this.#state === State.Failed;
  }

  /**
   * CSeq of the request whose parsing failed, when its header block was read and the CSeq was
   * valid (e.g. BODY_TOO_LARGE), so the error response can still echo it.
   */
  get failedCSeq(): string | undefined {
    return this.#failedCSeq;
  }

  /** Queues a chunk; the reader keeps a reference, so the caller must not reuse the buffer. */
  push(chunk: Uint8Array): void {
    if (this.#state === State.Failed) return; // connection is closing; nothing more is read
    this.#queue.push(chunk);
  }

  /** The next complete item, or null when more data is needed. */
  next(): RtspReaderItem | null {
    if (this.#state === State.Failed) throw this.#error!;
    try {
      return this.#step();
    } catch (err) {
      if (!(err instanceof RtspParseError)) throw err;
      this.#state = State.Failed;
      this.#error = err;
      this.#queue.clear();
      throw err;
    }
  }

  #step(): RtspReaderItem | null {
    if (this.#state === State.Idle) {
      this.#skipLineEndings();
      if (this.#queue.length === 0) return null;
      if (this.#queue.byteAt(0) === INTERLEAVED_MAGIC) return this.#readInterleaved();
      this.#state = State.Head;
      this.#scanner.reset();
    }
    if (this.#state === State.Head) {
      const headLength = this.#scanner.scan(this.#queue, this.#consumed);
      if (headLength < 0) return null;
      const offset = this.#consumed;
      const head = parseHead(this.#take(headLength), {}, offset);
      this.#pendingBodyLength = this.#checkHead(head, offset);
      this.#failedCSeq = undefined;
      this.#pendingHead = head;
      this.#state = State.Body;
    }
    // State.Body
    if (this.#queue.length < this.#pendingBodyLength) return null;
    const body = this.#take(this.#pendingBodyLength);
    const head = this.#pendingHead!;
    this.#pendingHead = undefined;
    this.#state = State.Idle;
    if (head.kind === 'request') {
      const { method, uri, version, headers } = head;
      return { kind: 'request', msg: { method, uri, version, headers, body } };
    }
    const { version, status, reason, headers } = head;
    return { kind: 'response', msg: { version, status, reason, headers, body } };
  }

  /** Blank lines between messages are tolerated (clients send CRLF keep-alives). */
  #skipLineEndings(): void {
    while (this.#queue.length > 0) {
      const b = this.#queue.byteAt(0);
      if (b !== CR && b !== LF) return;
      this.#queue.skip(1);
      this.#consumed++;
    }
  }

  #readInterleaved(): RtspReaderItem | null {
    if (this.#queue.length < INTERLEAVED_HEADER_SIZE) return null;
    const channel = this.#queue.byteAt(1);
    const length = (this.#queue.byteAt(2) << 8) | this.#queue.byteAt(3);
    if (this.#queue.length < INTERLEAVED_HEADER_SIZE + length) return null;
    this.#queue.skip(INTERLEAVED_HEADER_SIZE);
    this.#consumed += INTERLEAVED_HEADER_SIZE;
    return { kind: 'interleaved', channel, payload: this.#take(length) };
  }

  #take(n: number): Uint8Array {
    this.#consumed += n;
    return this.#queue.consume(n);
  }

  /** Validates CSeq and Content-Length; returns the body length to wait for. */
  #checkHead(head: ParsedHead, offset: number): number {
    this.#failedCSeq = undefined;
    if (head.kind === 'request') {
      const cseqs = head.headers.getAll('CSeq');
      if (cseqs.length === 0) throw new RtspParseError('MISSING_CSEQ', 'request without CSeq', { offset });
      if (cseqs.length > 1) throw new RtspParseError('DUPLICATE_CSEQ', 'request with several CSeq fields', { offset });
      if (!DIGITS.test(cseqs[0]!)) throw new RtspParseError('BAD_CSEQ', 'CSeq is not a number', { offset });
      this.#failedCSeq = cseqs[0];
    }
    const lengths = head.headers.getAll('Content-Length');
    if (lengths.length === 0) return 0; // RFC 2326 §12.14: absent means no body
    if (lengths.length > 1 || !DIGITS.test(lengths[0]!)) {
      throw new RtspParseError('BAD_CONTENT_LENGTH', 'invalid or repeated Content-Length', { offset });
    }
    const length = Number(lengths[0]);
    if (length > this.#limits.maxBodyBytes) {
      throw new RtspParseError('BODY_TOO_LARGE', `body of ${length} bytes exceeds ${this.#limits.maxBodyBytes}`, {
        offset,
      });
    }
    return length;
  }
}
