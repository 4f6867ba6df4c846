/** Capability exchange: GetServices, GetServiceCapabilities, GetCapabilities (legacy). */
import { baseUrl, type RequestContext } from '../../core/context.js';
import { VigilError } from '../../core/errors.js';
import { children, type XmlElement } from '../../xml/dom.js';
import { el, type Xml } from '../../xml/write.js';
import { USER_LIMITS } from '../../storage/users.js';
import type { DeviceDeps } from './deps.js';

export function deviceServiceCapabilities(): Xml {
  return el('tds:Capabilities', [
    el('tds:Network', undefined, {
      IPFilter: false, ZeroConfiguration: false, IPVersion6: false, DynDNS: false, Dot11Configuration: false,
      HostnameFromDHCP: false, NTP: 0, DHCPv6: false,
    }),
    el('tds:Security', undefined, {
      'TLS1.0': false, 'TLS1.1': false, 'TLS1.2': true, OnboardKeyGeneration: false, AccessPolicyConfig: false,
      DefaultAccessPolicy: true, Dot1X: false, RemoteUserHandling: false, 'X.509Token': false, SAMLToken: false,
      KerberosToken: false, UsernameToken: true, HttpDigest: true, RELToken: false, JsonWebToken: false,
      MaxUsers: USER_LIMITS.maxUsers, MaxUserNameLength: USER_LIMITS.maxUsernameLength, MaxPasswordLength: USER_LIMITS.maxPasswordLength,
      HashingAlgorithms: 'MD5 SHA-256',
    }),
    el('tds:System', undefined, {
      DiscoveryResolve: false, DiscoveryBye: true, RemoteDiscovery: false, SystemBackup: false, SystemLogging: false,
      FirmwareUpgrade: false, HttpFirmwareUpgrade: false, HttpSystemBackup: false, HttpSystemLogging: false,
      HttpSupportInformation: false, StorageConfiguration: false,
    }),
  ]);
}

export function getServices(deps: DeviceDeps, ctx: RequestContext, body: XmlElement): Xml {
  const include = children(body, 'IncludeCapability')[0]?.text.trim() === 'true';
  const base = baseUrl(ctx, deps.defaultHost);
  return el(
    'tds:GetServicesResponse',
    deps.services().map((s) =>
      el('tds:Service', [
        el('tds:Namespace', s.namespace),
        el('tds:XAddr', base + s.path),
        include ? el('tds:Capabilities', s.capabilities(ctx)) : undefined,
        el('tds:Version', [el('tt:Major', s.version.major), el('tt:Minor', s.version.minor)]),
      ]),
    ),
  );
}

const CATEGORIES = ['All', 'Analytics', 'Device', 'Events', 'Imaging', 'Media', 'PTZ'] as const;

/**
 * Legacy GetCapabilities. Each service contributes its tt:Capabilities section through
 * `legacyCapabilities` (see LEGACY_SECTIONS); the device section is built here.
 */
export function getCapabilities(deps: DeviceDeps, ctx: RequestContext, body: XmlElement): Xml {
  const requested = children(body, 'Category').map((c) => c.text.trim());
  for (const r of requested) {
    if (!(CATEGORIES as readonly string[]).includes(r)) throw new VigilError('InvalidArgVal', `unknown capability category '${r}'`);
  }
  const want = (cat: string): boolean => requested.length === 0 || requested.includes('All') || requested.includes(cat);
  const base = baseUrl(ctx, deps.defaultHost);
  const sections = new Map<string, Xml>();
  for (const s of deps.services()) {
    const legacy = s.legacyCapabilities?.(base);
    if (legacy) sections.set(legacy.category, legacy.xml);
  }
  for (const r of requested) {
    if (r !== 'All' && r !== 'Device' && !sections.has(r)) {
      throw new VigilError('NoSuchService', `this node has no ${r} service`);
    }
  }
  const versions = [...new Set(deps.services().map((s) => `${s.version.major}.${s.version.minor}`))]
    .map((v) => v.split('.').map(Number))
    .map(([major, minor]) => el('tt:SupportedVersions', [el('tt:Major', major), el('tt:Minor', minor)]));
  const device = el('tt:Device', [
    el('tt:XAddr', `${base}/onvif/device_service`),
    el('tt:Network', [el('tt:IPFilter', false), el('tt:ZeroConfiguration', false), el('tt:IPVersion6', false), el('tt:DynDNS', false)]),
    el('tt:System', [
      el('tt:DiscoveryResolve', false), el('tt:DiscoveryBye', true), el('tt:RemoteDiscovery', false),
      el('tt:SystemBackup', false), el('tt:SystemLogging', false), el('tt:FirmwareUpgrade', false), versions,
    ]),
    el('tt:Security', [
      el('tt:TLS1.1', false), el('tt:TLS1.2', true), el('tt:OnboardKeyGeneration', false), el('tt:AccessPolicyConfig', false),
      el('tt:X.509Token', false), el('tt:SAMLToken', false), el('tt:KerberosToken', false), el('tt:RELToken', false),
    ]),
  ]);
  const extension = sections.get('Extension');
  return el(
    'tds:GetCapabilitiesResponse',
    el('tds:Capabilities', [
      want('Analytics') ? sections.get('Analytics') : undefined,
      want('Device') ? device : undefined,
      want('Events') ? sections.get('Events') : undefined,
      want('Imaging') ? sections.get('Imaging') : undefined,
      want('Media') ? sections.get('Media') : undefined,
      want('PTZ') ? sections.get('PTZ') : undefined,
      requested.length === 0 || requested.includes('All') ? extension : undefined,
    ]),
  );
}
