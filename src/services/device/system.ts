/** System operations: identity, date and time, scopes, hostname, discovery mode, reboot. */
import { VigilError } from '../../core/errors.js';
import { isPosixTz } from '../../node/clock.js';
import { child, childText, children, type XmlElement } from '../../xml/dom.js';
import { el, type Xml } from '../../xml/write.js';
import type { DeviceDeps } from './deps.js';

export function getDeviceInformation(deps: DeviceDeps): Xml {
  const i = deps.info;
  return el('tds:GetDeviceInformationResponse', [
    el('tds:Manufacturer', i.manufacturer),
    el('tds:Model', i.model),
    el('tds:FirmwareVersion', i.firmwareVersion),
    el('tds:SerialNumber', i.serialNumber),
    el('tds:HardwareId', i.hardwareId),
  ]);
}

function dateTimeXml(name: string, d: Date): Xml {
  return el(name, [
    el('tt:Time', [el('tt:Hour', d.getUTCHours()), el('tt:Minute', d.getUTCMinutes()), el('tt:Second', d.getUTCSeconds())]),
    el('tt:Date', [el('tt:Year', d.getUTCFullYear()), el('tt:Month', d.getUTCMonth() + 1), el('tt:Day', d.getUTCDate())]),
  ]);
}

/** UTC offset in ms for the simple "STDoffset" part of a POSIX TZ (DST rules are not applied). */
function posixStdOffsetMs(tz: string): number {
  const m = /^(?:<[^>]+>|[A-Za-z]{3,})([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?/.exec(tz);
  if (!m) return 0;
  const sign = m[1] === '-' ? 1 : -1; // POSIX: "CET-1" means UTC+1
  return sign * ((Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000;
}

export function getSystemDateAndTime(deps: DeviceDeps): Xml {
  const s = deps.clock.settings;
  const now = new Date(deps.clock.now());
  const local = new Date(now.getTime() + posixStdOffsetMs(s.timeZone) + (s.daylightSavings ? 3_600_000 : 0));
  return el(
    'tds:GetSystemDateAndTimeResponse',
    el('tds:SystemDateAndTime', [
      el('tt:DateTimeType', s.dateTimeType),
      el('tt:DaylightSavings', s.daylightSavings),
      el('tt:TimeZone', el('tt:TZ', s.timeZone)),
      dateTimeXml('tt:UTCDateTime', now),
      dateTimeXml('tt:LocalDateTime', local),
    ]),
  );
}

function intChild(e: XmlElement | undefined, name: string, min: number, max: number): number {
  const t = childText(e, name);
  const n = t === undefined ? NaN : Number(t);
  if (!Number.isInteger(n) || n < min || n > max) throw new VigilError('InvalidDateTime', `${name} must be an integer ${min}..${max}`);
  return n;
}

export function setSystemDateAndTime(deps: DeviceDeps, body: XmlElement): Xml {
  const type = childText(body, 'DateTimeType');
  if (type !== 'Manual' && type !== 'NTP') throw new VigilError('InvalidArgVal', 'DateTimeType must be Manual or NTP');
  const dst = childText(body, 'DaylightSavings');
  if (dst !== 'true' && dst !== 'false' && dst !== '1' && dst !== '0') throw new VigilError('InvalidArgVal', 'DaylightSavings must be a boolean');
  const tz = childText(child(body, 'TimeZone'), 'TZ');
  if (tz !== undefined && !isPosixTz(tz)) throw new VigilError('InvalidTimeZone', `'${tz}' is not a POSIX 1003.1 time zone`);
  const update: Parameters<typeof deps.clock.update>[0] = { dateTimeType: type, daylightSavings: dst === 'true' || dst === '1' };
  if (tz !== undefined) update.timeZone = tz;
  if (type === 'Manual') {
    const utc = child(body, 'UTCDateTime');
    if (!utc) throw new VigilError('InvalidArgVal', 'UTCDateTime is required with DateTimeType Manual');
    const t = child(utc, 'Time');
    const d = child(utc, 'Date');
    const ms = Date.UTC(
      intChild(d, 'Year', 1970, 9999), intChild(d, 'Month', 1, 12) - 1, intChild(d, 'Day', 1, 31),
      intChild(t, 'Hour', 0, 23), intChild(t, 'Minute', 0, 59), intChild(t, 'Second', 0, 61),
    );
    const check = new Date(ms);
    if (check.getUTCDate() !== intChild(d, 'Day', 1, 31)) throw new VigilError('InvalidDateTime', 'no such calendar date');
    update.offsetMs = ms - Date.now();
  } else {
    update.offsetMs = 0;
  }
  deps.clock.update(update);
  return el('tds:SetSystemDateAndTimeResponse');
}

export function getScopes(deps: DeviceDeps): Xml {
  return el(
    'tds:GetScopesResponse',
    deps.scopes.list().map((s) => el('tds:Scopes', [el('tt:ScopeDef', s.fixed ? 'Fixed' : 'Configurable'), el('tt:ScopeItem', s.item)])),
  );
}

function scopeItems(body: XmlElement, name: string): string[] {
  return children(body, name).map((c) => c.text.trim());
}

export function setScopes(deps: DeviceDeps, body: XmlElement): Xml {
  deps.scopes.set(scopeItems(body, 'Scopes'));
  return el('tds:SetScopesResponse');
}

export function addScopes(deps: DeviceDeps, body: XmlElement): Xml {
  const items = scopeItems(body, 'ScopeItem');
  if (items.length === 0) throw new VigilError('InvalidArgs', 'AddScopes needs at least one ScopeItem');
  deps.scopes.add(items);
  return el('tds:AddScopesResponse');
}

export function removeScopes(deps: DeviceDeps, body: XmlElement): Xml {
  const removed = deps.scopes.remove(scopeItems(body, 'ScopeItem'));
  return el('tds:RemoveScopesResponse', removed.map((s) => el('tds:ScopeItem', s)));
}

export function getHostname(deps: DeviceDeps): Xml {
  const name = deps.settings.get<string | null>('hostname', null) ?? deps.system.hostname();
  return el('tds:GetHostnameResponse', el('tds:HostnameInformation', [el('tt:FromDHCP', false), el('tt:Name', name)]));
}

export function setHostname(deps: DeviceDeps, body: XmlElement): Xml {
  const name = childText(body, 'Name') ?? '';
  // RFC 1123 host name: labels of letters, digits and hyphens, not starting/ending with a hyphen.
  if (!/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(name)) {
    throw new VigilError('InvalidHostname', `'${name.slice(0, 80)}' is not a valid host name`);
  }
  deps.settings.set('hostname', name);
  return el('tds:SetHostnameResponse');
}

export function getDiscoveryMode(deps: DeviceDeps): Xml {
  return el('tds:GetDiscoveryModeResponse', el('tds:DiscoveryMode', deps.settings.get('discoveryMode', 'Discoverable')));
}

export function setDiscoveryMode(deps: DeviceDeps, body: XmlElement): Xml {
  const mode = childText(body, 'DiscoveryMode');
  if (mode !== 'Discoverable' && mode !== 'NonDiscoverable') throw new VigilError('InvalidArgVal', 'DiscoveryMode must be Discoverable or NonDiscoverable');
  deps.settings.set('discoveryMode', mode);
  return el('tds:SetDiscoveryModeResponse');
}

export function getEndpointReference(deps: DeviceDeps): Xml {
  return el('tds:GetEndpointReferenceResponse', el('tds:GUID', deps.endpointReference));
}

export function getWsdlUrl(): Xml {
  return el('tds:GetWsdlUrlResponse', el('tds:WsdlUrl', 'https://www.onvif.org/profiles/specifications/'));
}

export function systemReboot(deps: DeviceDeps): Xml {
  // Answer first, restart after the response has been flushed.
  setTimeout(() => deps.requestReboot(), 200).unref();
  return el('tds:SystemRebootResponse', el('tds:Message', 'Vigil node restarting; services return within seconds'));
}
