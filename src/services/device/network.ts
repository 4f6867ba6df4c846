/** Network reporting: interfaces, protocols, DNS, NTP (read-only; see node/system-info.ts). */
import { isIPv4 } from 'node:net';
import { el, type Xml } from '../../xml/write.js';
import type { DeviceDeps } from './deps.js';

export function getNetworkInterfaces(deps: DeviceDeps): Xml {
  const ifaces = deps.system.interfaces().filter((i) => i.name !== 'lo' || deps.system.interfaces().length === 1);
  return el(
    'tds:GetNetworkInterfacesResponse',
    ifaces.map((i) =>
      el(
        'tds:NetworkInterfaces',
        [
          el('tt:Enabled', true),
          el('tt:Info', [el('tt:Name', i.name), el('tt:HwAddress', i.mac)]),
          i.ipv4.length
            ? el('tt:IPv4', [
                el('tt:Enabled', true),
                el('tt:Config', [
                  i.ipv4.map((a) => el('tt:Manual', [el('tt:Address', a.address), el('tt:PrefixLength', a.prefixLength)])),
                  el('tt:DHCP', false),
                ]),
              ])
            : undefined,
        ],
        { token: i.name },
      ),
    ),
  );
}

export function getNetworkProtocols(deps: DeviceDeps): Xml {
  const ports = deps.ports();
  const protos: [string, number | undefined][] = [
    ['HTTP', ports.http],
    ['HTTPS', ports.https],
    ['RTSP', ports.rtsp],
  ];
  return el(
    'tds:GetNetworkProtocolsResponse',
    protos.map(([name, port]) =>
      el('tds:NetworkProtocols', [el('tt:Name', name), el('tt:Enabled', port !== undefined), el('tt:Port', port ?? 0)]),
    ),
  );
}

function ipAddress(name: string, addr: string): Xml {
  return isIPv4(addr)
    ? el(name, [el('tt:Type', 'IPv4'), el('tt:IPv4Address', addr)])
    : el(name, [el('tt:Type', 'IPv6'), el('tt:IPv6Address', addr)]);
}

export function getDNS(deps: DeviceDeps): Xml {
  const dns = deps.system.dns();
  return el(
    'tds:GetDNSResponse',
    el('tds:DNSInformation', [
      el('tt:FromDHCP', false),
      dns.searchDomains.map((d) => el('tt:SearchDomain', d)),
      dns.servers.map((s) => ipAddress('tt:DNSManual', s)),
    ]),
  );
}

export function getNTP(): Xml {
  // Vigil follows the host clock (itself NTP-disciplined by the OS); it runs no NTP client of its own.
  return el('tds:GetNTPResponse', el('tds:NTPInformation', [el('tt:FromDHCP', false)]));
}
