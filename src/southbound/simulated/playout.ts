/**
 * Real-time playout of looping clips: which frame goes out when, with which timestamps. Pure
 * arithmetic over wall-clock milliseconds, so tests drive it with any clock.
 *
 * Video. Clips have one IDR per GOP and only P-frames in between, each referencing the one
 * before; the only subsets of a GOP that still decode are its prefixes. Playout therefore
 * follows one rule for every frame rate: an emission sends the IDR of a new GOP when the
 * content clock (real time since start, in clip frames) has reached that GOP, and otherwise the
 * next frame of the current GOP. At the clip rate this is simply every frame in order. Below it
 * (FrameRateLimit), each second of wall time shows the first FrameRateLimit frames of the GOP of
 * that second, evenly spaced: the delivered rate is the limit, every frame decodes, and content
 * stays aligned with wall time at every keyframe (within a GOP it runs slower). Below one frame
 * per GOP only keyframes are sent. Timestamps and wall clock follow emission time, so they only
 * increase across loops.
 */

/** Video playout state for one stream. */
export class VideoPlayout {
  readonly #startWall: number;
  readonly #intervalMs: number;
  readonly #clipFps: number;
  readonly #gop: number;
  /** Content clock (in clip frames) at startWall; moves forward on keyframe requests. */
  #contentAtStart: number;
  #i = 0;
  #gopIndex = -1;
  #lastFrame = -1;
  #keyframeRequested = false;

  /**
   * @param startWall wall-clock ms of the first emission
   * @param contentStartFrame content clock (clip frames since the epoch) wanted at startWall; the
   *        stream starts at the IDR of that GOP, so it never waits for a keyframe
   */
  constructor(opts: { startWall: number; clipFps: number; gop: number; frameRateLimit: number; contentStartFrame: number }) {
    this.#startWall = opts.startWall;
    this.#clipFps = opts.clipFps;
    this.#gop = opts.gop;
    const rate = Math.min(Math.max(opts.frameRateLimit, 0.01), opts.clipFps);
    this.#intervalMs = 1000 / rate;
    this.#contentAtStart = Math.floor(opts.contentStartFrame / opts.gop) * opts.gop;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Wall-clock ms of the next emission. */
  get nextDue(): number {
    return this.#startWall + this.#i * this.#intervalMs;
  }

  /** The frame (content clock, in clip frames) most recently emitted; -1 before the first. */
  get lastFrame(): number {
    return this.#lastFrame;
  }

  requestKeyframe(): void {
    this.#keyframeRequested = true;
  }

  /** Decides the next emission and advances. `frame` is on the content clock (take it mod clip length). */
  next(): { frame: number; keyframe: boolean; wallMs: number; elapsedMs: number } {
    const elapsedMs = this.#i * this.#intervalMs;
    const wallMs = this.#startWall + elapsedMs;
    this.#i++;
    // Content clock in frames; the epsilon absorbs float error at exact GOP boundaries.
    let content = this.#contentAtStart + (elapsedMs * this.#clipFps) / 1000;
    let gopIndex = Math.floor(content / this.#gop + 1e-9);
    if (this.#keyframeRequested && this.#gopIndex >= 0 && gopIndex <= this.#gopIndex) {
      // Jump to the next GOP now and shift the content clock so it does not jump again.
      gopIndex = this.#gopIndex + 1;
      this.#contentAtStart += gopIndex * this.#gop - content;
      content = gopIndex * this.#gop;
    }
    this.#keyframeRequested = false;
    let frame: number;
    if (gopIndex > this.#gopIndex) {
      this.#gopIndex = gopIndex;
      frame = gopIndex * this.#gop;
    } else {
      frame = Math.min(this.#lastFrame + 1, (this.#gopIndex + 1) * this.#gop - 1);
    }
    const keyframe = frame % this.#gop === 0 && frame !== this.#lastFrame;
    this.#lastFrame = frame;
    return { frame, keyframe, wallMs, elapsedMs };
  }

  /** Skips the next emission (the process was too late to send it in time). */
  skip(): void {
    this.#i++;
  }
}

/** Fixed-size chunks at a fixed rate: audio frames and metadata documents. */
export class ChunkPlayout {
  readonly #startWall: number;
  readonly #periodMs: number;
  #i = 0;

  constructor(startWall: number, periodMs: number) {
    this.#startWall = startWall;
    this.#periodMs = periodMs;
  }

  get nextDue(): number {
    return this.#startWall + this.#i * this.#periodMs;
  }

  /** The index of the chunk to send now, and its wall time; advances. */
  next(): { index: number; wallMs: number } {
    const index = this.#i++;
    return { index, wallMs: this.#startWall + index * this.#periodMs };
  }

  skip(): void {
    this.#i++;
  }
}
