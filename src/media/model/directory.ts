/**
 * The LiveSourceDirectory the RTSP server resolves stream URIs through, over the media model:
 * sources per profile (the same object while the profile's selection is unchanged, a new id
 * once it changes) and the multicast groups of the profile's encoder configurations.
 */
import type { LiveSource, LiveSourceDirectory } from '../live.js';
import type { MediaModel } from './model.js';
import type { Multicast } from './types.js';

export interface MediaDirectory extends LiveSourceDirectory {
  /** The multicast group of a track (the order of LiveSource.tracks: video, audio, metadata). */
  multicastGroup(profileToken: string, track: number): { address: string; port: number; ttl: number } | undefined;
}

export function mediaDirectory(model: MediaModel): MediaDirectory {
  return {
    sourceForProfile: (profileToken: string): LiveSource | undefined => model.sourceForProfile(profileToken),
    multicastGroup(profileToken, track) {
      let groups: Multicast[];
      try {
        const { selection } = model.selection(profileToken);
        groups = [selection.video?.multicast, selection.audio?.multicast, selection.metadata?.multicast].filter((m): m is Multicast => m !== undefined);
      } catch {
        return undefined;
      }
      const g = groups[track];
      // Unset groups fall back to the streaming side's default.
      if (!g || g.address === '0.0.0.0' || g.address === '::' || g.port === 0) return undefined;
      return { address: g.address, port: g.port, ttl: g.ttl };
    },
  };
}
