/**
 * Read-only facts about the host the node runs on (interfaces, DNS, hostname), read on demand.
 * Vigil reports the host's network configuration; changing it is the host's business, so the
 * Set* network operations answer ActionNotSupported.
 */
import { readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';

export interface InterfaceInfo {
  name: string;
  mac: string;
  ipv4: { address: string; prefixLength: number }[];
  ipv6: { address: string; prefixLength: number }[];
}

export interface SystemInfo {
  hostname(): string;
  interfaces(): InterfaceInfo[];
  dns(): { servers: string[]; searchDomains: string[] };
}

export const hostSystemInfo: SystemInfo = {
  hostname: () => hostname(),
  interfaces() {
    const out: InterfaceInfo[] = [];
    for (const [name, addrs] of Object.entries(networkInterfaces())) {
      if (!addrs) continue;
      const info: InterfaceInfo = { name, mac: addrs[0]?.mac ?? '00:00:00:00:00:00', ipv4: [], ipv6: [] };
      for (const a of addrs) {
        const prefixLength = a.cidr ? Number(a.cidr.split('/')[1]) : 0;
        (a.family === 'IPv4' ? info.ipv4 : info.ipv6).push({ address: a.address.split('%')[0]!, prefixLength });
      }
      out.push(info);
    }
    return out;
  },
  dns() {
    let text = '';
    try {
      text = readFileSync('/etc/resolv.conf', 'utf8');
    } catch {
      // No resolv.conf (containers, non-Linux): report no DNS configuration rather than fail.
      text = '';
    }
    const servers: string[] = [];
    const searchDomains: string[] = [];
    for (const line of text.split('\n')) {
      const [key, ...rest] = line.trim().split(/\s+/);
      if (key === 'nameserver' && rest[0]) servers.push(rest[0]);
      if (key === 'search' || key === 'domain') searchDomains.push(...rest);
    }
    return { servers, searchDomains };
  },
};
