/**
 * Media2 response fragments: configurations (tt: types, element name chosen by the caller, in
 * schema order), profiles, OSDs, masks, and configuration options derived from the camera's
 * capabilities. Shared with the ver10 media service where the types coincide.
 */
import type { ConfigView, ProfileView } from '../../media/model/model.js';
import type {
  AudioEncoderConfig, AudioSourceConfig, CameraCapabilities, Color, ConfigKind, MaskConfig, MetadataConfig, Multicast, OsdColor, OsdConfig,
  VideoEncoderConfig, VideoSourceConfig,
} from '../../media/model/types.js';
import { ipFamily } from '../../media/model/validate.js';
import { el, join, opt, type Xml } from '../../xml/write.js';

export function durationXml(seconds: number): string {
  return `PT${Math.round(seconds)}S`;
}

export function multicastXml(name: string, m: Multicast): Xml {
  const v6 = ipFamily(m.address) === 6;
  return el(name, [
    el('tt:Address', [el('tt:Type', v6 ? 'IPv6' : 'IPv4'), el(v6 ? 'tt:IPv6Address' : 'tt:IPv4Address', m.address)]),
    el('tt:Port', m.port),
    el('tt:TTL', m.ttl),
    el('tt:AutoStart', m.autoStart),
  ]);
}

export function videoSourceConfigurationXml(name: string, c: ConfigView<VideoSourceConfig>): Xml {
  const b = c.bounds;
  return el(
    name,
    [el('tt:Name', c.name), el('tt:UseCount', c.useCount), el('tt:SourceToken', c.sourceToken), el('tt:Bounds', undefined, { x: b.x, y: b.y, width: b.width, height: b.height })],
    { token: c.token },
  );
}

export function audioSourceConfigurationXml(name: string, c: ConfigView<AudioSourceConfig>): Xml {
  return el(name, [el('tt:Name', c.name), el('tt:UseCount', c.useCount), el('tt:SourceToken', c.sourceToken)], { token: c.token });
}

export function videoEncoder2ConfigurationXml(name: string, c: ConfigView<VideoEncoderConfig>): Xml {
  return el(
    name,
    [
      el('tt:Name', c.name),
      el('tt:UseCount', c.useCount),
      el('tt:Encoding', c.encoding),
      el('tt:Resolution', [el('tt:Width', c.width), el('tt:Height', c.height)]),
      el('tt:RateControl', [el('tt:FrameRateLimit', c.frameRateLimit), el('tt:BitrateLimit', c.bitrateLimit)], { ConstantBitRate: c.constantBitRate }),
      multicastXml('tt:Multicast', c.multicast),
      el('tt:Quality', c.quality),
    ],
    { token: c.token, GovLength: c.govLength, Profile: c.profile },
  );
}

export function audioEncoder2ConfigurationXml(name: string, c: ConfigView<AudioEncoderConfig>): Xml {
  return el(
    name,
    [el('tt:Name', c.name), el('tt:UseCount', c.useCount), el('tt:Encoding', c.encoding), multicastXml('tt:Multicast', c.multicast), el('tt:Bitrate', c.bitrate), el('tt:SampleRate', c.sampleRate)],
    { token: c.token },
  );
}

function eventsXml(c: MetadataConfig): Xml | undefined {
  if (!c.events) return undefined;
  const exprs = c.events.filters.map((f) => {
    const xmlns: Record<string, string> = {};
    for (const [p, uri] of Object.entries(f.namespaces)) xmlns[`xmlns:${p}`] = uri;
    return el(f.element === 'TopicExpression' ? 'wsnt:TopicExpression' : 'wsnt:MessageContent', f.expression, { Dialect: f.dialect, ...xmlns });
  });
  return el('tt:Events', exprs.length ? el('tt:Filter', exprs) : undefined);
}

export function metadataConfigurationXml(name: string, c: ConfigView<MetadataConfig>): Xml {
  return el(
    name,
    [
      el('tt:Name', c.name),
      el('tt:UseCount', c.useCount),
      c.ptzStatus ? el('tt:PTZStatus', [el('tt:Status', c.ptzStatus.status), el('tt:Position', c.ptzStatus.position)]) : undefined,
      eventsXml(c),
      el('tt:Analytics', c.analytics),
      multicastXml('tt:Multicast', c.multicast),
      el('tt:SessionTimeout', durationXml(c.sessionTimeoutSeconds)),
    ],
    { token: c.token, GeoLocation: c.geoLocation },
  );
}

/** Any configuration under an element name. */
export function configurationXml(name: string, c: ConfigView): Xml {
  switch (c.kind) {
    case 'VideoSource':
      return videoSourceConfigurationXml(name, c as ConfigView<VideoSourceConfig>);
    case 'AudioSource':
      return audioSourceConfigurationXml(name, c as ConfigView<AudioSourceConfig>);
    case 'VideoEncoder':
      return videoEncoder2ConfigurationXml(name, c as ConfigView<VideoEncoderConfig>);
    case 'AudioEncoder':
      return audioEncoder2ConfigurationXml(name, c as ConfigView<AudioEncoderConfig>);
    case 'Metadata':
      return metadataConfigurationXml(name, c as ConfigView<MetadataConfig>);
  }
}

/** tr2:ConfigurationSet order: VideoSource, AudioSource, VideoEncoder, AudioEncoder, Analytics, PTZ, Metadata, … */
const SET_ORDER: ConfigKind[] = ['VideoSource', 'AudioSource', 'VideoEncoder', 'AudioEncoder', 'Metadata'];

export function mediaProfileXml(p: ProfileView, withConfigurations: boolean): Xml {
  const set = SET_ORDER.flatMap((k) => (p.configs[k] ? [configurationXml(`tr2:${k}`, p.configs[k])] : []));
  return el('tr2:Profiles', [el('tr2:Name', p.name), withConfigurations ? el('tr2:Configurations', set) : undefined], { token: p.token, fixed: p.fixed });
}

// ---- options ----

function intRange(name: string, min: number, max: number): Xml {
  return el(name, [el('tt:Min', min), el('tt:Max', max)]);
}

export function videoSourceOptionsXml(caps: CameraCapabilities, sourceTokens: string[], maxProfiles: number): Xml {
  return el(
    'tr2:Options',
    [
      el('tt:BoundsRange', [intRange('tt:XRange', 0, 0), intRange('tt:YRange', 0, 0), intRange('tt:WidthRange', caps.width, caps.width), intRange('tt:HeightRange', caps.height, caps.height)]),
      sourceTokens.map((t) => el('tt:VideoSourceTokensAvailable', t)),
    ],
    { MaximumNumberOfProfiles: maxProfiles },
  );
}

export function videoEncoderOptionsXml(
  caps: CameraCapabilities,
  resolutions: (encoding: string) => { width: number; height: number }[],
  quality: { min: number; max: number },
): Xml {
  return join(
    caps.video
      .filter((v) => resolutions(v.encoding).length > 0)
      .map((v) =>
        el(
          'tr2:Options',
          [
            el('tt:Encoding', v.encoding),
            el('tt:QualityRange', [el('tt:Min', quality.min), el('tt:Max', quality.max)]),
            resolutions(v.encoding).map((r) => el('tt:ResolutionsAvailable', [el('tt:Width', r.width), el('tt:Height', r.height)])),
            intRange('tt:BitrateRange', caps.bitrate[v.encoding].min, caps.bitrate[v.encoding].max),
          ],
          {
            GovLengthRange: `${caps.govLengthRange.min} ${caps.govLengthRange.max}`,
            FrameRatesSupported: caps.frameRates.join(' '),
            ProfilesSupported: v.profiles.join(' '),
            ConstantBitRateSupported: false,
            GuaranteedFrameRateSupported: false,
          },
        ),
      ),
  );
}

export function audioSourceOptionsXml(tokens: string[]): Xml {
  return el('tr2:Options', tokens.map((t) => el('tt:InputTokensAvailable', t)));
}

export function audioEncoderOptionsXml(caps: CameraCapabilities): Xml {
  return join(
    caps.audio.map((a) =>
      el('tr2:Options', [
        el('tt:Encoding', a.encoding),
        el('tt:BitrateList', a.bitrates.map((b) => el('tt:Items', b))),
        el('tt:SampleRateList', a.sampleRates.map((s) => el('tt:Items', s))),
      ]),
    ),
  );
}

export function metadataOptionsXml(caps: CameraCapabilities): Xml {
  return el(
    'tr2:Options',
    el('tt:PTZStatusFilterOptions', [
      el('tt:PanTiltStatusSupported', caps.ptz),
      el('tt:ZoomStatusSupported', caps.ptz),
      el('tt:PanTiltPositionSupported', caps.ptz),
      el('tt:ZoomPositionSupported', caps.ptz),
    ]),
    { GeoLocation: true },
  );
}

// ---- OSD and masks ----

export function colorXml(name: string, c: Color): Xml {
  return el(name, undefined, { X: c.x, Y: c.y, Z: c.z, Colorspace: c.colorspace });
}

function osdColorXml(name: string, c: OsdColor | undefined): Xml | undefined {
  return c ? el(name, colorXml('tt:Color', c.color), { Transparent: c.transparent }) : undefined;
}

export function osdXml(name: string, o: OsdConfig): Xml {
  const t = o.text;
  return el(
    name,
    [
      el('tt:VideoSourceConfigurationToken', o.videoSourceConfigurationToken),
      el('tt:Type', 'Text'),
      el('tt:Position', [el('tt:Type', o.position.type), o.position.type === 'Custom' ? el('tt:Pos', undefined, { x: o.position.x, y: o.position.y }) : undefined]),
      el(
        'tt:TextString',
        [
          el('tt:Type', t.type),
          opt('tt:DateFormat', t.dateFormat),
          opt('tt:TimeFormat', t.timeFormat),
          opt('tt:FontSize', t.fontSize),
          osdColorXml('tt:FontColor', t.fontColor),
          osdColorXml('tt:BackgroundColor', t.backgroundColor),
          t.type === 'Plain' ? el('tt:PlainText', t.plainText ?? '') : undefined,
        ],
        { IsPersistentText: t.type === 'Plain' ? t.isPersistentText : undefined },
      ),
    ],
    { token: o.token },
  );
}

export function maskXml(name: string, m: MaskConfig): Xml {
  return el(
    name,
    [
      el('tr2:ConfigurationToken', m.videoSourceConfigurationToken),
      el('tr2:Polygon', m.polygon.map((p) => el('tt:Point', undefined, { x: p.x, y: p.y }))),
      el('tr2:Type', m.type),
      m.color ? colorXml('tr2:Color', m.color) : undefined,
      el('tr2:Enabled', m.enabled),
    ],
    { token: m.token },
  );
}
