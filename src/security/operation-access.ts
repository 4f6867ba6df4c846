/**
 * The one table of access classes per SOAP operation (Core spec, each operation's "access class"
 * row; service specs likewise). The SOAP engine refuses to serve an operation missing from here,
 * so every operation's protection is reviewable in one place.
 */
import type { AccessClass } from './access.js';

export const OPERATION_ACCESS: Record<string, AccessClass> = {
  // Device management (Core spec §8)
  'tds:GetServices': 'PRE_AUTH',
  'tds:GetServiceCapabilities': 'PRE_AUTH',
  'tds:GetCapabilities': 'PRE_AUTH',
  'tds:GetWsdlUrl': 'PRE_AUTH',
  'tds:GetHostname': 'PRE_AUTH',
  'tds:SetHostname': 'WRITE_SYSTEM',
  'tds:GetDeviceInformation': 'READ_SYSTEM',
  'tds:GetSystemDateAndTime': 'PRE_AUTH',
  'tds:SetSystemDateAndTime': 'WRITE_SYSTEM',
  'tds:GetScopes': 'READ_SYSTEM',
  'tds:SetScopes': 'WRITE_SYSTEM',
  'tds:AddScopes': 'WRITE_SYSTEM',
  'tds:RemoveScopes': 'WRITE_SYSTEM',
  'tds:GetDiscoveryMode': 'READ_SYSTEM',
  'tds:SetDiscoveryMode': 'WRITE_SYSTEM',
  'tds:GetNetworkInterfaces': 'READ_SYSTEM',
  'tds:GetNetworkProtocols': 'READ_SYSTEM',
  'tds:GetDNS': 'READ_SYSTEM',
  'tds:GetNTP': 'READ_SYSTEM',
  'tds:GetUsers': 'READ_SYSTEM_SECRET',
  'tds:CreateUsers': 'WRITE_SYSTEM',
  'tds:DeleteUsers': 'WRITE_SYSTEM',
  'tds:SetUser': 'WRITE_SYSTEM',
  'tds:GetEndpointReference': 'PRE_AUTH',
  'tds:SystemReboot': 'UNRECOVERABLE',
  // Event service (Core spec "Event handling"); the subscription-manager operations arrive at
  // each subscription's own address.
  'tev:GetServiceCapabilities': 'PRE_AUTH',
  'tev:GetEventProperties': 'READ_MEDIA',
  'tev:CreatePullPointSubscription': 'READ_MEDIA',
  'tev:PullMessages': 'READ_MEDIA',
  'tev:SetSynchronizationPoint': 'READ_MEDIA',
  // WS-BaseNotification, served by the event service.
  'wsnt:Subscribe': 'READ_MEDIA',
  'wsnt:GetCurrentMessage': 'READ_MEDIA',
  'wsnt:Renew': 'READ_MEDIA',
  'wsnt:Unsubscribe': 'READ_MEDIA',
};
