/** The device management service (Core spec §8), at /onvif/device_service. */
import { NS } from '../../xml/ns.js';
import type { SoapService } from '../../soap/service.js';
import { deviceServiceCapabilities, getCapabilities, getServices } from './capabilities.js';
import type { DeviceDeps } from './deps.js';
import { getDNS, getNetworkInterfaces, getNetworkProtocols, getNTP } from './network.js';
import * as sys from './system.js';
import { createUsers, deleteUsers, getUsers, setUser } from './users.js';
import { el } from '../../xml/write.js';

export function createDeviceService(deps: DeviceDeps): SoapService {
  return {
    name: 'device',
    prefix: 'tds',
    namespace: NS.tds,
    path: '/onvif/device_service',
    version: { major: 23, minor: 12 },
    capabilities: () => deviceServiceCapabilities(),
    operations: {
      GetServices: ({ ctx, body }) => getServices(deps, ctx, body),
      GetServiceCapabilities: () => el('tds:GetServiceCapabilitiesResponse', deviceServiceCapabilities()),
      GetCapabilities: ({ ctx, body }) => getCapabilities(deps, ctx, body),
      GetDeviceInformation: () => sys.getDeviceInformation(deps),
      GetSystemDateAndTime: () => sys.getSystemDateAndTime(deps),
      SetSystemDateAndTime: ({ body }) => sys.setSystemDateAndTime(deps, body),
      GetScopes: () => sys.getScopes(deps),
      SetScopes: ({ body }) => sys.setScopes(deps, body),
      AddScopes: ({ body }) => sys.addScopes(deps, body),
      RemoveScopes: ({ body }) => sys.removeScopes(deps, body),
      GetHostname: () => sys.getHostname(deps),
      SetHostname: ({ body }) => sys.setHostname(deps, body),
      GetDiscoveryMode: () => sys.getDiscoveryMode(deps),
      SetDiscoveryMode: ({ body }) => sys.setDiscoveryMode(deps, body),
      GetEndpointReference: () => sys.getEndpointReference(deps),
      GetWsdlUrl: () => sys.getWsdlUrl(),
      SystemReboot: () => sys.systemReboot(deps),
      GetNetworkInterfaces: () => getNetworkInterfaces(deps),
      GetNetworkProtocols: () => getNetworkProtocols(deps),
      GetDNS: () => getDNS(deps),
      GetNTP: () => getNTP(),
      GetUsers: () => getUsers(deps),
      CreateUsers: ({ body, touched }) => createUsers(deps, body, touched),
      DeleteUsers: ({ body, touched }) => deleteUsers(deps, body, touched),
      SetUser: ({ body, touched }) => setUser(deps, body, touched),
    },
  };
}
