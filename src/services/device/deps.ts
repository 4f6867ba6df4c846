/** What the device management service needs from the node. */
import type { NodeClock } from '../../node/clock.js';
import type { ScopeStore } from '../../node/scopes.js';
import type { SoapService } from '../../soap/service.js';
import type { SettingsStore } from '../../storage/settings.js';
import type { UserStore } from '../../storage/users.js';
import type { SystemInfo } from '../../node/system-info.js';

export interface DeviceInfo {
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
}

export interface DeviceDeps {
  info: DeviceInfo;
  /** urn:uuid:… that identifies this node in WS-Discovery and GetEndpointReference. */
  endpointReference: string;
  settings: SettingsStore;
  users: UserStore;
  clock: NodeClock;
  scopes: ScopeStore;
  system: SystemInfo;
  /** Ports actually listened on (known only once the listeners are bound). */
  ports(): { http: number | undefined; https: number | undefined; rtsp: number | undefined };
  /** Every service the node serves (device included), for GetServices / GetCapabilities. */
  services(): SoapService[];
  /** Host to put in XAddrs when the client did not send one. */
  defaultHost: string;
  requestReboot(): void;
}
