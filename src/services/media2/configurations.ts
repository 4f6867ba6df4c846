/**
 * Media2 configuration operations for every kind the cameras have: Get<entity>Configurations,
 * Set<entity>Configuration, Get<entity>ConfigurationOptions, and GetVideoEncoderInstances.
 */
import { VigilError } from '../../core/errors.js';
import type { CameraEntry } from '../../media/model/model.js';
import type { ConfigKind, MediaConfig } from '../../media/model/types.js';
import { QUALITY_RANGE, resolutionsFor } from '../../media/model/validate.js';
import { child, childText, type XmlElement } from '../../xml/dom.js';
import { el, type Xml } from '../../xml/write.js';
import type { MediaDeps } from './deps.js';
import {
  readAudioEncoder2Configuration, readAudioSourceConfiguration, readMetadataConfiguration, readVideoEncoder2Configuration,
  readVideoSourceConfiguration, required, token,
} from './read.js';
import {
  audioEncoderOptionsXml, audioSourceOptionsXml, configurationXml, metadataOptionsXml, videoEncoderOptionsXml, videoSourceOptionsXml,
} from './write.js';

function scope(body: XmlElement): { configurationToken: string | undefined; profileToken: string | undefined } {
  return { configurationToken: childText(body, 'ConfigurationToken'), profileToken: childText(body, 'ProfileToken') };
}

export function getConfigurations(deps: MediaDeps, kind: ConfigKind, body: XmlElement, touched: string[]): Xml {
  const s = scope(body);
  if (s.configurationToken) touched.push(s.configurationToken);
  const list = deps.model.configurations(kind, s);
  return el(`tr2:Get${kind}ConfigurationsResponse`, list.map((c) => configurationXml('tr2:Configurations', c)));
}

export function setConfiguration(deps: MediaDeps, kind: ConfigKind, body: XmlElement, touched: string[]): Xml {
  const c = child(body, 'Configuration');
  if (!c) throw new VigilError('InvalidArgVal', 'Configuration is required');
  const t = token(c);
  touched.push(t);
  const { config: current } = deps.model.configuration(kind, t);
  let incoming: MediaConfig;
  switch (kind) {
    case 'VideoSource':
      incoming = readVideoSourceConfiguration(c);
      break;
    case 'AudioSource':
      incoming = readAudioSourceConfiguration(c);
      break;
    case 'VideoEncoder':
      incoming = readVideoEncoder2Configuration(c, current as Extract<MediaConfig, { kind: 'VideoEncoder' }>);
      break;
    case 'AudioEncoder':
      incoming = readAudioEncoder2Configuration(c, current as Extract<MediaConfig, { kind: 'AudioEncoder' }>);
      break;
    case 'Metadata':
      incoming = readMetadataConfiguration(c, current as Extract<MediaConfig, { kind: 'Metadata' }>);
      break;
  }
  deps.model.setConfiguration(incoming);
  return el(`tr2:Set${kind}ConfigurationResponse`);
}

/** The camera the options are for: the one the tokens point at, or any (options are the same for all). */
function optionsCameras(deps: MediaDeps, kind: ConfigKind, body: XmlElement): { cam: CameraEntry; all: CameraEntry[] } {
  const cam = deps.model.optionsCamera(kind, scope(body));
  const all = cam ? [cam] : deps.model.cameras();
  if (all.length === 0) throw new VigilError('NoConfig', 'this node has no cameras');
  return { cam: all[0]!, all };
}

export function getConfigurationOptions(deps: MediaDeps, kind: ConfigKind, body: XmlElement): Xml {
  const { cam, all } = optionsCameras(deps, kind, body);
  const caps = cam.desc.driver.capabilities;
  let options: Xml;
  switch (kind) {
    case 'VideoSource':
      options = videoSourceOptionsXml(caps, all.map((c) => deps.model.videoSourceToken(c)), caps.maxProfiles);
      break;
    case 'VideoEncoder': {
      const mode = deps.model.currentModeOf(cam);
      options = videoEncoderOptionsXml(caps, (encoding) => resolutionsFor(caps, mode, encoding), QUALITY_RANGE);
      break;
    }
    case 'AudioSource':
      options = audioSourceOptionsXml(all.map((c) => deps.model.audioSourceToken(c)));
      break;
    case 'AudioEncoder':
      options = audioEncoderOptionsXml(caps);
      break;
    case 'Metadata':
      options = metadataOptionsXml(caps);
      break;
  }
  return el(`tr2:Get${kind}ConfigurationOptionsResponse`, options);
}

export function getVideoEncoderInstances(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const t = required(body, 'ConfigurationToken');
  touched.push(t);
  const caps = deps.model.overlays.vscCamera(t).desc.driver.capabilities;
  return el(
    'tr2:GetVideoEncoderInstancesResponse',
    el('tr2:Info', [
      caps.video.map((v) => el('tr2:Codec', [el('tr2:Encoding', v.encoding), el('tr2:Number', caps.encoderInstances)])),
      el('tr2:Total', caps.encoderInstances),
    ]),
  );
}
