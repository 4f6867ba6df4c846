/** The Media2 service (ONVIF Media2 / IEC 62676-2-31), at /onvif/media2_service. */
import type { RequestContext } from '../../core/context.js';
import { CONFIG_KINDS } from '../../media/model/types.js';
import type { OperationHandler, SoapService } from '../../soap/service.js';
import { NS } from '../../xml/ns.js';
import { el, type Xml } from '../../xml/write.js';
import { getConfigurationOptions, getConfigurations, getVideoEncoderInstances, setConfiguration } from './configurations.js';
import { RTSP_WEBSOCKET_PATH, type MediaDeps } from './deps.js';
import * as ov from './overlays.js';
import * as pr from './profiles.js';
import { required } from './read.js';
import { snapshotUri, startMulticast, stopMulticast, streamUri, synchronizationPoint } from './streaming.js';

export function media2Capabilities(deps: MediaDeps, ctx: RequestContext): Xml {
  const ports = deps.ports();
  return el(
    'tr2:Capabilities',
    [
      el('tr2:ProfileCapabilities', undefined, { MaximumNumberOfProfiles: deps.model.maximumNumberOfProfiles(), ConfigurationsSupported: CONFIG_KINDS.join(' ') }),
      el('tr2:StreamingCapabilities', undefined, {
        RTSPStreaming: true,
        RTPMulticast: true,
        RTP_RTSP_TCP: true,
        NonAggregateControl: true,
        // Streaming spec 5.1.1.5: the URI's hierarchical part is the absolute path on this host.
        RTSPWebSocketUri: `${ctx.secure ? 'wss' : 'ws'}:${RTSP_WEBSOCKET_PATH}`,
        AutoStartMulticast: false,
        SecureRTSPStreaming: ports.rtsps !== undefined,
      }),
    ],
    { SnapshotUri: true, Rotation: false, VideoSourceMode: true, OSD: true, TemporaryOSDText: false, Mask: true, SourceMask: false },
  );
}

export function createMedia2Service(deps: MediaDeps): SoapService {
  const ops: Record<string, OperationHandler> = {
    GetServiceCapabilities: ({ ctx }) => el('tr2:GetServiceCapabilitiesResponse', media2Capabilities(deps, ctx)),
    GetProfiles: ({ body, touched }) => pr.getProfiles(deps, body, touched),
    CreateProfile: ({ body, touched }) => pr.createProfile(deps, body, touched),
    AddConfiguration: ({ body, touched }) => pr.addConfiguration(deps, body, touched),
    RemoveConfiguration: ({ body, touched }) => pr.removeConfiguration(deps, body, touched),
    DeleteProfile: ({ body, touched }) => pr.deleteProfile(deps, body, touched),
    GetVideoEncoderInstances: ({ body, touched }) => getVideoEncoderInstances(deps, body, touched),
    GetStreamUri: ({ ctx, body, touched }) => {
      const token = required(body, 'ProfileToken');
      touched.push(token);
      return el('tr2:GetStreamUriResponse', el('tr2:Uri', streamUri(deps, ctx, token, required(body, 'Protocol'))));
    },
    GetSnapshotUri: ({ ctx, body, touched }) => {
      const token = required(body, 'ProfileToken');
      touched.push(token);
      return el('tr2:GetSnapshotUriResponse', el('tr2:Uri', snapshotUri(deps, ctx, token)));
    },
    StartMulticastStreaming: async ({ body, touched }) => {
      const token = required(body, 'ProfileToken');
      touched.push(token);
      await startMulticast(deps, token);
      return el('tr2:StartMulticastStreamingResponse');
    },
    StopMulticastStreaming: async ({ body, touched }) => {
      const token = required(body, 'ProfileToken');
      touched.push(token);
      await stopMulticast(deps, token);
      return el('tr2:StopMulticastStreamingResponse');
    },
    SetSynchronizationPoint: ({ body, touched }) => {
      const token = required(body, 'ProfileToken');
      touched.push(token);
      synchronizationPoint(deps, token);
      return el('tr2:SetSynchronizationPointResponse');
    },
    GetVideoSourceModes: ({ body }) => ov.getVideoSourceModes(deps, body),
    SetVideoSourceMode: ({ body, touched }) => ov.setVideoSourceMode(deps, body, touched),
    GetOSDs: ({ body }) => ov.getOsds(deps, body),
    GetOSDOptions: ({ body }) => ov.getOsdOptions(deps, body),
    CreateOSD: ({ body, touched }) => ov.createOsd(deps, body, touched),
    SetOSD: ({ body, touched }) => ov.setOsd(deps, body, touched),
    DeleteOSD: ({ body, touched }) => ov.deleteOsd(deps, body, touched),
    GetMasks: ({ body }) => ov.getMasks(deps, body),
    GetMaskOptions: ({ body }) => ov.getMaskOptions(deps, body),
    CreateMask: ({ body, touched }) => ov.createMask(deps, body, touched),
    SetMask: ({ body, touched }) => ov.setMask(deps, body, touched),
    DeleteMask: ({ body, touched }) => ov.deleteMask(deps, body, touched),
  };
  for (const kind of CONFIG_KINDS) {
    ops[`Get${kind}Configurations`] = ({ body, touched }) => getConfigurations(deps, kind, body, touched);
    ops[`Set${kind}Configuration`] = ({ body, touched }) => setConfiguration(deps, kind, body, touched);
    ops[`Get${kind}ConfigurationOptions`] = ({ body }) => getConfigurationOptions(deps, kind, body);
  }
  return {
    name: 'media2',
    prefix: 'tr2',
    namespace: NS.tr2,
    path: '/onvif/media2_service',
    version: { major: 23, minor: 12 },
    capabilities: (ctx) => media2Capabilities(deps, ctx),
    operations: ops,
  };
}
