/**
 * Builds the SDP an RTSP server returns for DESCRIBE: one session with RTP media descriptions
 * (rtpmap, fmtp, control, direction). The result is a plain SessionDescription, so anything
 * not covered here can still be added before serializing.
 */
import { formatFmtpParameters } from './attributes.js';
import {
  serializeSdp,
  type SdpAttribute,
  type SdpConnection,
  type SdpDirection,
  type SdpMedia,
  type SdpOrigin,
  type SessionDescription,
} from './sdp.js';

export interface SdpSessionInit {
  /** s=; defaults to a single space ("no name"). */
  sessionName?: string;
  information?: string;
  /** o= fields; missing ones default to `- 0 0 IN IP4 0.0.0.0`. */
  origin?: Partial<SdpOrigin>;
  connection?: SdpConnection;
  attributes?: SdpAttribute[];
}

export interface SdpRtpMediaSpec {
  /** video, audio, application, ... */
  type: string;
  /** Default 0 (RTSP negotiates ports in SETUP). */
  port?: number;
  /** Default RTP/AVP. */
  proto?: string;
  payloadType: number;
  encoding: string;
  clockRate: number;
  channels?: number;
  /** fmtp parameters, either already joined or as a map. */
  fmtp?: string | Record<string, string>;
  /** a=control, e.g. `trackID=0` or an absolute URL. */
  control?: string;
  direction?: SdpDirection;
  /** b=AS in kbit/s. */
  bandwidthKbps?: number;
  information?: string;
  connection?: SdpConnection;
  /** Further attributes, written after the ones above. */
  attributes?: SdpAttribute[];
}

export class SdpBuilder {
  readonly #session: SessionDescription;

  constructor(init: SdpSessionInit = {}) {
    const origin: SdpOrigin = {
      username: '-', sessionId: '0', sessionVersion: '0', netType: 'IN', addrType: 'IP4', address: '0.0.0.0',
      ...init.origin,
    };
    this.#session = {
      version: 0,
      origin,
      sessionName: init.sessionName ?? ' ',
      emails: [],
      phones: [],
      bandwidths: [],
      timings: [{ start: '0', stop: '0', repeats: [] }],
      attributes: [...(init.attributes ?? [])],
      media: [],
    };
    if (init.information !== undefined) this.#session.information = init.information;
    if (init.connection) this.#session.connection = init.connection;
  }

  /** Adds a session-level attribute (`a=name` or `a=name:value`). */
  attribute(name: string, value?: string): this {
    this.#session.attributes.push(value === undefined ? { name } : { name, value });
    return this;
  }

  /** Adds one RTP media description with a single payload type. */
  media(spec: SdpRtpMediaSpec): this {
    if (!Number.isInteger(spec.payloadType) || spec.payloadType < 0 || spec.payloadType > 127) {
      throw new RangeError(`payload type ${spec.payloadType}`);
    }
    const port = spec.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port ${port}`);
    const media: SdpMedia = {
      type: spec.type,
      port,
      proto: spec.proto ?? 'RTP/AVP',
      formats: [String(spec.payloadType)],
      connections: spec.connection ? [spec.connection] : [],
      bandwidths: spec.bandwidthKbps !== undefined ? [{ type: 'AS', value: spec.bandwidthKbps }] : [],
      attributes: [],
    };
    if (spec.information !== undefined) media.information = spec.information;
    const rtpmap = `${spec.payloadType} ${spec.encoding}/${spec.clockRate}${spec.channels ? `/${spec.channels}` : ''}`;
    media.attributes.push({ name: 'rtpmap', value: rtpmap });
    if (spec.fmtp !== undefined) {
      const params = typeof spec.fmtp === 'string' ? spec.fmtp : formatFmtpParameters(spec.fmtp);
      if (params !== '') media.attributes.push({ name: 'fmtp', value: `${spec.payloadType} ${params}` });
    }
    if (spec.control !== undefined) media.attributes.push({ name: 'control', value: spec.control });
    if (spec.direction !== undefined) media.attributes.push({ name: spec.direction });
    media.attributes.push(...(spec.attributes ?? []));
    this.#session.media.push(media);
    return this;
  }

  /** A copy of the description built so far. */
  build(): SessionDescription {
    return structuredClone(this.#session);
  }

  toString(): string {
    return serializeSdp(this.#session);
  }
}
