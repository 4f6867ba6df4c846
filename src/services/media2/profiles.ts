/** Media2 media profile operations: GetProfiles, CreateProfile, AddConfiguration, RemoveConfiguration, DeleteProfile. */
import type { ConfigRef } from '../../media/model/model.js';
import { CONFIG_KINDS, type ConfigKind } from '../../media/model/types.js';
import { childText, children, type XmlElement } from '../../xml/dom.js';
import { el, type Xml } from '../../xml/write.js';
import type { MediaDeps } from './deps.js';
import { required } from './read.js';
import { mediaProfileXml } from './write.js';

function refs(body: XmlElement): ConfigRef[] {
  return children(body, 'Configuration').map((c) => ({ kind: required(c, 'Type'), token: childText(c, 'Token') }));
}

export function getProfiles(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const token = childText(body, 'Token');
  const types = children(body, 'Type').map((t) => t.text.trim());
  // No Type: names only; 'All': every configuration; otherwise the listed kinds.
  const kinds: ReadonlySet<ConfigKind> | 'all' | 'none' =
    types.length === 0 ? 'none' : types.includes('All') ? 'all' : new Set(types.filter((t): t is ConfigKind => (CONFIG_KINDS as readonly string[]).includes(t)));
  const selected = token !== undefined ? [deps.model.profileRef(token)] : deps.model.profileRefs();
  if (token !== undefined) touched.push(token);
  return el(
    'tr2:GetProfilesResponse',
    selected.map((ref) => mediaProfileXml(deps.model.profileView(ref, kinds), kinds !== 'none')),
  );
}

export function createProfile(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const token = deps.model.createProfile(required(body, 'Name'), refs(body));
  touched.push(token);
  return el('tr2:CreateProfileResponse', el('tr2:Token', token));
}

export function addConfiguration(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const token = required(body, 'ProfileToken');
  touched.push(token);
  deps.model.addConfigurations(token, childText(body, 'Name'), refs(body));
  return el('tr2:AddConfigurationResponse');
}

export function removeConfiguration(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const token = required(body, 'ProfileToken');
  touched.push(token);
  deps.model.removeConfigurations(token, refs(body));
  return el('tr2:RemoveConfigurationResponse');
}

export function deleteProfile(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const token = required(body, 'Token');
  touched.push(token);
  deps.model.deleteProfile(token);
  return el('tr2:DeleteProfileResponse');
}
