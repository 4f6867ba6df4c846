/**
 * Stream and snapshot URIs, multicast control and synchronization points (Media2 "Stream URI",
 * "Snapshot", "Multicast", "Synchronization Points"; the ver10 media service reuses the URIs).
 */
import { baseUrl, type RequestContext } from '../../core/context.js';
import { VigilError } from '../../core/errors.js';
import { liveStreamPath } from '../../media/live.js';
import type { MediaDeps } from './deps.js';
import { snapshotPath } from './deps.js';

export type StreamProtocol = 'RtspUnicast' | 'RtspMulticast' | 'RTSP' | 'RtspsUnicast' | 'RtspsMulticast' | 'RtspOverHttp';
export const STREAM_PROTOCOLS: readonly StreamProtocol[] = ['RtspUnicast', 'RtspMulticast', 'RTSP', 'RtspsUnicast', 'RtspsMulticast', 'RtspOverHttp'];

/** The host part of the authority the client used (brackets kept for IPv6), else the fallback. */
export function requestHost(ctx: RequestContext, fallback: string): string {
  const a = ctx.authority;
  if (!a) return fallback;
  if (a.startsWith('[')) return a.slice(0, a.indexOf(']') + 1) || fallback;
  const i = a.lastIndexOf(':');
  return i > 0 ? a.slice(0, i) : a;
}

function portPart(port: number, standard: number): string {
  return port === standard ? '' : `:${port}`;
}

/** A stable URI for a profile's live stream; throws the spec's faults for impossible setups. */
export function streamUri(deps: MediaDeps, ctx: RequestContext, profileToken: string, protocol: string): string {
  if (!(STREAM_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new VigilError('InvalidStreamSetup', `stream protocol '${protocol}' is not supported (${STREAM_PROTOCOLS.join(', ')})`);
  }
  const { selection } = deps.model.selection(profileToken);
  const path = liveStreamPath(profileToken);
  const host = requestHost(ctx, deps.defaultHost);
  const ports = deps.ports();
  if (protocol === 'RtspMulticast' || protocol === 'RtspsMulticast') {
    const groups = [selection.video?.multicast, selection.audio?.multicast, selection.metadata?.multicast].filter((m) => m !== undefined);
    if (groups.length === 0 || groups.some((m) => m.address === '0.0.0.0' || m.address === '::' || m.port === 0)) {
      throw new VigilError('InvalidMulticastSettings', 'the profile has a configuration without a multicast group and port');
    }
  }
  switch (protocol as StreamProtocol) {
    case 'RtspOverHttp':
      // Same port as the web service the client is talking to (NAT traversal).
      return `${baseUrl(ctx, deps.defaultHost)}${path}`;
    case 'RtspsUnicast':
    case 'RtspsMulticast':
      if (ports.rtsps === undefined) throw new VigilError('InvalidStreamSetup', 'secure RTSP (RTSPS/SRTP) is not available on this node');
      return `rtsps://${host}${portPart(ports.rtsps, 322)}${path}`;
    default:
      if (ports.rtsp === undefined) throw new VigilError('InvalidStreamSetup', 'the RTSP server is not running');
      return `rtsp://${host}${portPart(ports.rtsp, 554)}${path}`;
  }
}

export function snapshotUri(deps: MediaDeps, ctx: RequestContext, profileToken: string): string {
  deps.model.snapshotTarget(profileToken);
  return `${baseUrl(ctx, deps.defaultHost)}${snapshotPath(profileToken)}`;
}

export async function startMulticast(deps: MediaDeps, profileToken: string): Promise<void> {
  deps.model.selection(profileToken);
  const control = deps.multicast();
  if (!control) throw new VigilError('ActionNotSupported', 'multicast streaming without RTSP (AutoStartMulticast) is not supported');
  await control.start(profileToken);
}

export async function stopMulticast(deps: MediaDeps, profileToken: string): Promise<void> {
  deps.model.profileRef(profileToken);
  const control = deps.multicast();
  if (!control) throw new VigilError('ActionNotSupported', 'multicast streaming without RTSP (AutoStartMulticast) is not supported');
  // Stopping what is not running is a success (Media2 StopMulticastStreaming).
  if (control.isActive(profileToken)) await control.stop(profileToken);
}

export function synchronizationPoint(deps: MediaDeps, profileToken: string): void {
  // Only a source that exists can be streaming; none means there is no stream to resync.
  deps.model.existingSource(profileToken)?.requestKeyframe();
}
