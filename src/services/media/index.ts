/**
 * The Media service (ONVIF Media ver10, Profile S), at /onvif/media_service: the read-only subset
 * legacy clients call — profiles, sources, encoder configurations, stream and snapshot URIs.
 * Everything is a view of the same media model as Media2. ver10 has no H.265: H.265 encoder
 * configurations are not listed, and profiles streaming H.265 show no VideoEncoderConfiguration.
 */
import { VigilError } from '../../core/errors.js';
import type { ConfigView, ProfileRef } from '../../media/model/model.js';
import type { AudioEncoderConfig, ConfigKind, MetadataConfig, VideoEncoderConfig, VideoSourceConfig, AudioSourceConfig } from '../../media/model/types.js';
import type { SoapService } from '../../soap/service.js';
import { child, childText, type XmlElement } from '../../xml/dom.js';
import { NS } from '../../xml/ns.js';
import { el, type Xml } from '../../xml/write.js';
import type { MediaDeps } from '../media2/deps.js';
import { required } from '../media2/read.js';
import { snapshotUri, streamUri, synchronizationPoint } from '../media2/streaming.js';
import {
  audioSourceConfigurationXml, durationXml, metadataConfigurationXml, multicastXml, videoSourceConfigurationXml,
} from '../media2/write.js';

const H264_PROFILES = new Set(['Baseline', 'Main', 'Extended', 'High']);

function videoEncoderXml(name: string, c: ConfigView<VideoEncoderConfig>): Xml {
  return el(name, [
    el('tt:Name', c.name),
    el('tt:UseCount', c.useCount),
    el('tt:Encoding', 'H264'),
    el('tt:Resolution', [el('tt:Width', c.width), el('tt:Height', c.height)]),
    el('tt:Quality', c.quality),
    el('tt:RateControl', [el('tt:FrameRateLimit', Math.round(c.frameRateLimit)), el('tt:EncodingInterval', 1), el('tt:BitrateLimit', c.bitrateLimit)]),
    el('tt:H264', [el('tt:GovLength', c.govLength), el('tt:H264Profile', H264_PROFILES.has(c.profile) ? c.profile : 'Main')]),
    multicastXml('tt:Multicast', c.multicast),
    el('tt:SessionTimeout', durationXml(60)),
  ], { token: c.token });
}

function audioEncoderXml(name: string, c: ConfigView<AudioEncoderConfig>): Xml {
  return el(name, [
    el('tt:Name', c.name),
    el('tt:UseCount', c.useCount),
    el('tt:Encoding', c.encoding === 'PCMU' ? 'G711' : 'AAC'),
    el('tt:Bitrate', c.bitrate),
    el('tt:SampleRate', c.sampleRate),
    multicastXml('tt:Multicast', c.multicast),
    el('tt:SessionTimeout', durationXml(60)),
  ], { token: c.token });
}

function profileXml(deps: MediaDeps, name: string, ref: ProfileRef): Xml {
  const v = deps.model.profileView(ref, 'all');
  const ve = v.configs.VideoEncoder as ConfigView<VideoEncoderConfig> | undefined;
  const get = <T>(k: ConfigKind): T | undefined => v.configs[k] as T | undefined;
  const vsc = get<ConfigView<VideoSourceConfig>>('VideoSource');
  const asc = get<ConfigView<AudioSourceConfig>>('AudioSource');
  const ae = get<ConfigView<AudioEncoderConfig>>('AudioEncoder');
  const md = get<ConfigView<MetadataConfig>>('Metadata');
  return el(
    name,
    [
      el('tt:Name', v.name),
      vsc ? videoSourceConfigurationXml('tt:VideoSourceConfiguration', vsc) : undefined,
      asc ? audioSourceConfigurationXml('tt:AudioSourceConfiguration', asc) : undefined,
      ve && ve.encoding === 'H264' ? videoEncoderXml('tt:VideoEncoderConfiguration', ve) : undefined,
      ae ? audioEncoderXml('tt:AudioEncoderConfiguration', ae) : undefined,
      md ? metadataConfigurationXml('tt:MetadataConfiguration', md) : undefined,
    ],
    { token: v.token, fixed: v.fixed },
  );
}

function mediaUri(uri: string): Xml {
  return el('trt:MediaUri', [el('tt:Uri', uri), el('tt:InvalidAfterConnect', false), el('tt:InvalidAfterReboot', false), el('tt:Timeout', 'PT0S')]);
}

/** ver10 StreamSetup → Media2 protocol name. */
function protocolOf(body: XmlElement): string {
  const setup = child(body, 'StreamSetup');
  const stream = childText(setup, 'Stream');
  const transport = childText(child(setup, 'Transport'), 'Protocol');
  if (stream !== 'RTP-Unicast' && stream !== 'RTP-Multicast') throw new VigilError('InvalidStreamSetup', `Stream '${stream ?? ''}' is not RTP-Unicast or RTP-Multicast`);
  if (transport === 'HTTP') return 'RtspOverHttp';
  if (transport !== 'UDP' && transport !== 'TCP' && transport !== 'RTSP') throw new VigilError('InvalidStreamSetup', `transport '${transport ?? ''}' is not supported`);
  return stream === 'RTP-Multicast' ? 'RtspMulticast' : transport === 'UDP' ? 'RtspUnicast' : 'RTSP';
}

export function mediaCapabilities(deps: MediaDeps): Xml {
  return el(
    'trt:Capabilities',
    [
      el('trt:ProfileCapabilities', undefined, { MaximumNumberOfProfiles: deps.model.maximumNumberOfProfiles() }),
      el('trt:StreamingCapabilities', undefined, { RTPMulticast: true, RTP_TCP: true, RTP_RTSP_TCP: true, NonAggregateControl: true, NoRTSPStreaming: false }),
    ],
    { SnapshotUri: true, Rotation: false, VideoSourceMode: false, OSD: false },
  );
}

export function createMediaService(deps: MediaDeps): SoapService {
  const h264 = (list: ConfigView<VideoEncoderConfig>[]): ConfigView<VideoEncoderConfig>[] => list.filter((c) => c.encoding === 'H264');
  return {
    name: 'media',
    prefix: 'trt',
    namespace: NS.trt,
    path: '/onvif/media_service',
    version: { major: 23, minor: 12 },
    capabilities: () => mediaCapabilities(deps),
    legacyCapabilities: (base) => ({
      category: 'Media',
      xml: el('tt:Media', [
        el('tt:XAddr', `${base}/onvif/media_service`),
        el('tt:StreamingCapabilities', [el('tt:RTPMulticast', true), el('tt:RTP_TCP', true), el('tt:RTP_RTSP_TCP', true)]),
        el('tt:Extension', el('tt:ProfileCapabilities', el('tt:MaximumNumberOfProfiles', deps.model.maximumNumberOfProfiles()))),
      ]),
    }),
    operations: {
      GetServiceCapabilities: () => el('trt:GetServiceCapabilitiesResponse', mediaCapabilities(deps)),
      GetProfiles: () => el('trt:GetProfilesResponse', deps.model.profileRefs().map((r) => profileXml(deps, 'trt:Profiles', r))),
      GetProfile: ({ body, touched }) => {
        const token = required(body, 'ProfileToken');
        touched.push(token);
        return el('trt:GetProfileResponse', profileXml(deps, 'trt:Profile', deps.model.profileRef(token)));
      },
      GetVideoSources: () =>
        el('trt:GetVideoSourcesResponse', deps.model.cameras().map((cam) => {
          const caps = cam.desc.driver.capabilities;
          return el('trt:VideoSources', [el('tt:Framerate', caps.framerate), el('tt:Resolution', [el('tt:Width', caps.width), el('tt:Height', caps.height)])], {
            token: deps.model.videoSourceToken(cam),
          });
        })),
      GetAudioSources: () =>
        el('trt:GetAudioSourcesResponse', deps.model.cameras().map((cam) => el('trt:AudioSources', el('tt:Channels', 1), { token: deps.model.audioSourceToken(cam) }))),
      GetVideoSourceConfigurations: () =>
        el('trt:GetVideoSourceConfigurationsResponse', deps.model.configurations('VideoSource', {}).map((c) => videoSourceConfigurationXml('trt:Configurations', c))),
      GetVideoSourceConfiguration: ({ body }) => {
        const [c] = deps.model.configurations('VideoSource', { configurationToken: required(body, 'ConfigurationToken') });
        return el('trt:GetVideoSourceConfigurationResponse', videoSourceConfigurationXml('trt:Configuration', c!));
      },
      GetVideoEncoderConfigurations: () =>
        el('trt:GetVideoEncoderConfigurationsResponse', h264(deps.model.configurations('VideoEncoder', {})).map((c) => videoEncoderXml('trt:Configurations', c))),
      GetVideoEncoderConfiguration: ({ body }) => {
        const [c] = h264(deps.model.configurations('VideoEncoder', { configurationToken: required(body, 'ConfigurationToken') }));
        if (!c) throw new VigilError('NoConfig', 'an H.265 encoder configuration cannot be represented in the ver10 media service; use Media2');
        return el('trt:GetVideoEncoderConfigurationResponse', videoEncoderXml('trt:Configuration', c));
      },
      GetStreamUri: ({ ctx, body, touched }) => {
        const token = required(body, 'ProfileToken');
        touched.push(token);
        return el('trt:GetStreamUriResponse', mediaUri(streamUri(deps, ctx, token, protocolOf(body))));
      },
      GetSnapshotUri: ({ ctx, body, touched }) => {
        const token = required(body, 'ProfileToken');
        touched.push(token);
        return el('trt:GetSnapshotUriResponse', mediaUri(snapshotUri(deps, ctx, token)));
      },
      SetSynchronizationPoint: ({ body, touched }) => {
        const token = required(body, 'ProfileToken');
        touched.push(token);
        synchronizationPoint(deps, token);
        return el('trt:SetSynchronizationPointResponse');
      },
    },
  };
}
