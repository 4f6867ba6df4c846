/**
 * Reading Media2 request bodies into model records. Values missing where the schema makes them
 * optional keep the configuration's current value; malformed values are ter:InvalidArgVal.
 */
import { VigilError } from '../../core/errors.js';
import type {
  AudioEncoderConfig, AudioEncoding, AudioSourceConfig, Color, EventFilterExpression, MaskConfig, MetadataConfig, Multicast, OsdColor, OsdConfig,
  VideoEncoderConfig, VideoEncoding, VideoSourceConfig,
} from '../../media/model/types.js';
import { attr, child, childText, children, type XmlElement } from '../../xml/dom.js';

export function bad(message: string): VigilError {
  return new VigilError('InvalidArgVal', message);
}

export function required(el: XmlElement | undefined, name: string): string {
  const t = childText(el, name);
  if (t === undefined) throw bad(`${name} is required`);
  return t;
}

export function num(text: string | undefined, what: string): number {
  const n = text === undefined || text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) throw bad(`${what} must be a number`);
  return n;
}

export function int(text: string | undefined, what: string): number {
  const n = num(text, what);
  if (!Number.isInteger(n)) throw bad(`${what} must be an integer`);
  return n;
}

export function bool(text: string | undefined, what: string): boolean {
  switch (text?.trim()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      throw bad(`${what} must be a boolean`);
  }
}

/** xs:duration limited to days/hours/minutes/seconds, in seconds. */
export function duration(text: string, what: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) throw bad(`${what} must be an xs:duration such as PT60S`);
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

export function token(el: XmlElement): string {
  const t = attr(el, 'token');
  if (t === undefined || t === '') throw bad(`${el.name} needs its token attribute`);
  return t;
}

function multicast(el: XmlElement | undefined, current: Multicast): Multicast {
  if (!el) return current;
  const addr = child(el, 'Address');
  const type = childText(addr, 'Type');
  const address = type === 'IPv6' ? childText(addr, 'IPv6Address') : childText(addr, 'IPv4Address');
  if (address === undefined) throw bad('Multicast Address needs an IPv4Address or IPv6Address matching its Type');
  return {
    address,
    port: int(childText(el, 'Port'), 'Multicast Port'),
    ttl: int(childText(el, 'TTL'), 'Multicast TTL'),
    autoStart: bool(childText(el, 'AutoStart'), 'Multicast AutoStart'),
  };
}

function name(el: XmlElement): string {
  return required(el, 'Name');
}

export function readVideoSourceConfiguration(el: XmlElement): VideoSourceConfig {
  const b = child(el, 'Bounds');
  const rect = (k: string): number => int(attr(b, k), `Bounds ${k}`);
  return {
    kind: 'VideoSource', token: token(el), name: name(el), sourceToken: required(el, 'SourceToken'),
    bounds: b ? { x: rect('x'), y: rect('y'), width: rect('width'), height: rect('height') } : { x: 0, y: 0, width: 0, height: 0 },
  };
}

export function readAudioSourceConfiguration(el: XmlElement): AudioSourceConfig {
  return { kind: 'AudioSource', token: token(el), name: name(el), sourceToken: required(el, 'SourceToken') };
}

/** tt:VideoEncoder2Configuration over the current configuration. */
export function readVideoEncoder2Configuration(el: XmlElement, current: VideoEncoderConfig): VideoEncoderConfig {
  const res = child(el, 'Resolution');
  const rc = child(el, 'RateControl');
  const encoding = required(el, 'Encoding');
  const gov = attr(el, 'GovLength');
  const cbr = attr(rc, 'ConstantBitRate');
  return {
    ...current,
    token: token(el),
    name: name(el),
    encoding: encoding as VideoEncoding,
    width: int(required(res, 'Width'), 'Resolution Width'),
    height: int(required(res, 'Height'), 'Resolution Height'),
    frameRateLimit: rc ? num(required(rc, 'FrameRateLimit'), 'FrameRateLimit') : current.frameRateLimit,
    bitrateLimit: rc ? int(required(rc, 'BitrateLimit'), 'BitrateLimit') : current.bitrateLimit,
    constantBitRate: cbr === undefined ? current.constantBitRate : bool(cbr, 'ConstantBitRate'),
    quality: num(required(el, 'Quality'), 'Quality'),
    govLength: gov === undefined ? current.govLength : int(gov, 'GovLength'),
    profile: attr(el, 'Profile') ?? current.profile,
    multicast: multicast(child(el, 'Multicast'), current.multicast),
  };
}

export function readAudioEncoder2Configuration(el: XmlElement, current: AudioEncoderConfig): AudioEncoderConfig {
  return {
    ...current,
    token: token(el),
    name: name(el),
    encoding: required(el, 'Encoding') as AudioEncoding,
    bitrate: int(required(el, 'Bitrate'), 'Bitrate'),
    sampleRate: int(required(el, 'SampleRate'), 'SampleRate'),
    multicast: multicast(child(el, 'Multicast'), current.multicast),
  };
}

/** The TopicExpression/MessageContent children of a wsnt:Filter, with the prefixes they use. */
export function readEventFilter(filter: XmlElement | undefined): EventFilterExpression[] {
  if (!filter) return [];
  return filter.children
    .filter((c) => c.name === 'TopicExpression' || c.name === 'MessageContent')
    .map((c) => {
      const expression = c.text.trim();
      const namespaces: Record<string, string> = {};
      for (const m of expression.matchAll(/([A-Za-z_][\w.-]*):/g)) {
        const uri = c.nsScope.get(m[1]!);
        if (uri !== undefined) namespaces[m[1]!] = uri;
      }
      return { element: c.name as EventFilterExpression['element'], dialect: attr(c, 'Dialect') ?? '', expression, namespaces };
    });
}

export function readMetadataConfiguration(el: XmlElement, current: MetadataConfig): MetadataConfig {
  const ptz = child(el, 'PTZStatus');
  const events = child(el, 'Events');
  const analytics = childText(el, 'Analytics');
  const geo = attr(el, 'GeoLocation');
  const compression = attr(el, 'CompressionType');
  if (compression !== undefined && compression !== '' && compression !== 'None') {
    throw new VigilError('ConfigModify', `metadata compression '${compression}' is not supported`);
  }
  const timeout = childText(el, 'SessionTimeout');
  return {
    ...current,
    token: token(el),
    name: name(el),
    ptzStatus: ptz ? { status: bool(childText(ptz, 'Status'), 'PTZStatus Status'), position: bool(childText(ptz, 'Position'), 'PTZStatus Position') } : undefined,
    events: events ? { filters: readEventFilter(child(events, 'Filter')) } : undefined,
    analytics: analytics === undefined ? false : bool(analytics, 'Analytics'),
    geoLocation: geo === undefined ? false : bool(geo, 'GeoLocation'),
    sessionTimeoutSeconds: timeout === undefined ? current.sessionTimeoutSeconds : duration(timeout, 'SessionTimeout'),
    multicast: multicast(child(el, 'Multicast'), current.multicast),
  };
}

function color(el: XmlElement | undefined, what: string): Color | undefined {
  if (!el) return undefined;
  return { x: num(attr(el, 'X'), `${what} X`), y: num(attr(el, 'Y'), `${what} Y`), z: num(attr(el, 'Z'), `${what} Z`), colorspace: attr(el, 'Colorspace') };
}

function osdColor(el: XmlElement | undefined, what: string): OsdColor | undefined {
  if (!el) return undefined;
  const c = color(child(el, 'Color'), what);
  if (!c) throw bad(`${what} needs a Color`);
  const t = attr(el, 'Transparent');
  return { color: c, transparent: t === undefined ? undefined : int(t, `${what} Transparent`) };
}

/** tt:OSDConfiguration; returns the OSD and its Type (Text/Image/Extended). */
export function readOsd(el: XmlElement): { osd: OsdConfig; type: string } {
  const pos = child(el, 'Position');
  const p = child(pos, 'Pos');
  const text = child(el, 'TextString');
  const size = childText(text, 'FontSize');
  const persistent = attr(text, 'IsPersistentText');
  const osd: OsdConfig = {
    token: attr(el, 'token') ?? '',
    videoSourceConfigurationToken: required(el, 'VideoSourceConfigurationToken'),
    position: {
      type: required(pos, 'Type') as OsdConfig['position']['type'],
      x: p ? num(attr(p, 'x'), 'Pos x') : undefined,
      y: p ? num(attr(p, 'y'), 'Pos y') : undefined,
    },
    text: {
      type: (text ? required(text, 'Type') : 'Plain') as OsdConfig['text']['type'],
      dateFormat: childText(text, 'DateFormat'),
      timeFormat: childText(text, 'TimeFormat'),
      fontSize: size === undefined ? undefined : int(size, 'FontSize'),
      fontColor: osdColor(child(text, 'FontColor'), 'FontColor'),
      backgroundColor: osdColor(child(text, 'BackgroundColor'), 'BackgroundColor'),
      plainText: childText(text, 'PlainText') ?? (text && child(text, 'PlainText') ? '' : undefined),
      isPersistentText: persistent === undefined ? undefined : bool(persistent, 'IsPersistentText'),
    },
  };
  const type = required(el, 'Type');
  if (type === 'Text' && !text) throw new VigilError('ConfigModify', 'a Text OSD needs TextString');
  return { osd, type };
}

/** tr2:Mask; returns the mask and its Type. */
export function readMask(el: XmlElement): { mask: MaskConfig; type: string } {
  const points = children(child(el, 'Polygon'), 'Point').map((pt, i) => ({ x: num(attr(pt, 'x'), `Point ${i + 1} x`), y: num(attr(pt, 'y'), `Point ${i + 1} y`) }));
  return {
    mask: {
      token: attr(el, 'token') ?? '',
      videoSourceConfigurationToken: required(el, 'ConfigurationToken'),
      polygon: points,
      type: 'Color',
      color: color(child(el, 'Color'), 'Color'),
      enabled: bool(childText(el, 'Enabled'), 'Enabled'),
    },
    type: required(el, 'Type'),
  };
}
