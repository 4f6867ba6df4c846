// Per outgoing stream state for RTCP sender reports (RFC 3550 §6.4.1). The NTP/RTP pair must be
// true to the capture clock, not to the send time, or receivers mis-synchronize audio and video:
// the media plane anchors "this RTP timestamp was captured at this wallclock time" and the report
// extrapolates the RTP timestamp for the report's own wallclock time by the clock rate.
import { ntpFromMs } from './ntp.js';
import type { RtcpReportBlock, RtcpSenderReport } from './rtcp.js';

export interface SenderReportStateOptions {
  ssrc: number;
  /** RTP clock rate in Hz (90000 for video and metadata, 8000 for G.711, the sample rate for AAC). */
  clockRate: number;
}

const TWO_POW_32 = 0x1_0000_0000;

export class SenderReportState {
  readonly ssrc: number;
  readonly clockRate: number;
  #packetCount = 0;
  #octetCount = 0;
  #anchor: { wallclockMs: number; rtpTimestamp: number } | undefined;

  constructor(options: SenderReportStateOptions) {
    if (!Number.isInteger(options.ssrc) || options.ssrc < 0 || options.ssrc > 0xffffffff) {
      throw new RangeError(`ssrc ${options.ssrc} out of range`);
    }
    if (!(options.clockRate > 0)) throw new RangeError(`clock rate ${options.clockRate} must be positive`);
    this.ssrc = options.ssrc;
    this.clockRate = options.clockRate;
  }

  /** Counts one sent RTP packet; `payloadOctets` excludes the RTP header and padding. */
  onPacketSent(payloadOctets: number): void {
    // Both counters wrap modulo 2^32 as the SR fields do.
    this.#packetCount = (this.#packetCount + 1) % TWO_POW_32;
    this.#octetCount = (this.#octetCount + payloadOctets) % TWO_POW_32;
  }

  /** Records that media carrying wire timestamp `rtpTimestamp` was captured at `captureWallclockMs` (Unix ms). */
  setAnchor(captureWallclockMs: number, rtpTimestamp: number): void {
    if (!Number.isFinite(captureWallclockMs)) throw new RangeError('capture wallclock must be finite');
    if (!Number.isInteger(rtpTimestamp) || rtpTimestamp < 0 || rtpTimestamp > 0xffffffff) {
      throw new RangeError(`RTP timestamp ${rtpTimestamp} out of range`);
    }
    this.#anchor = { wallclockMs: captureWallclockMs, rtpTimestamp };
  }

  get packetCount(): number {
    return this.#packetCount;
  }

  get octetCount(): number {
    return this.#octetCount;
  }

  get hasAnchor(): boolean {
    return this.#anchor !== undefined;
  }

  /** RTP timestamp that corresponds to `wallclockMs` on the capture clock, or undefined before any anchor. */
  rtpTimestampAt(wallclockMs: number): number | undefined {
    if (!this.#anchor) return undefined;
    const elapsedTicks = Math.round(((wallclockMs - this.#anchor.wallclockMs) * this.clockRate) / 1000);
    return (((this.#anchor.rtpTimestamp + elapsedTicks) % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
  }

  /**
   * The SR for wallclock `nowWallclockMs`, or undefined while no media has been anchored (send an
   * RR then). Serialize it with serializeRtcp([sr, cnameSdes(ssrc, cname)]).
   */
  buildSenderReport(nowWallclockMs: number, reports: RtcpReportBlock[] = []): RtcpSenderReport | undefined {
    const rtpTimestamp = this.rtpTimestampAt(nowWallclockMs);
    if (rtpTimestamp === undefined) return undefined;
    return {
      type: 'sr',
      ssrc: this.ssrc,
      ntpTimestamp: ntpFromMs(nowWallclockMs),
      rtpTimestamp,
      packetCount: this.#packetCount,
      octetCount: this.#octetCount,
      reports,
    };
  }
}
