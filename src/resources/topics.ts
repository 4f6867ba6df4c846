/**
 * The resource event topics (IEC 62676-2-33 §7.1–7.2): one property topic `tns1:Resource/<kind>`
 * per resource kind, with Source item Token (the remote token) and the optional Data items Name,
 * Location (tt:GeoLocation), Scope (repeated) and Offline.
 *
 * Device online/offline is reported the way 2-33 §7.2 describes it: a Changed message for each
 * resource of the device, with the Offline item. Neither the Core spec (its Monitoring and Device
 * topics) nor 2-33 defines a device-connection topic, and tns1:VideoSource/SignalLoss (Imaging)
 * is about analogue video loss and tampering, so no other topic is used.
 */
import type { EventBroker, MessageDescription, RegisteredTopic } from '../events/broker.js';

/**
 * Kinds Vigil enumerates: MediaProfile and the media configuration kinds of 2-33 §7.1 the media
 * model has, plus the sources. `Recording` is reserved for the recording service (same records,
 * same filters; it is declared only once something registers recordings).
 */
export const MEDIA_RESOURCE_KINDS = [
  'MediaProfile',
  'VideoSource',
  'AudioSource',
  'VideoSourceConfiguration',
  'AudioSourceConfiguration',
  'VideoEncoderConfiguration',
  'AudioEncoderConfiguration',
  'MetadataConfiguration',
  'OSDConfiguration',
  'MaskConfiguration',
] as const;

export type MediaResourceKind = (typeof MEDIA_RESOURCE_KINDS)[number];
export type ResourceKind = MediaResourceKind | 'Recording';

/** Data item names of a resource event, in the order they are written. */
export const RESOURCE_DATA_ITEMS = ['Name', 'Location', 'Scope', 'Offline'] as const;
export type ResourceDataItem = (typeof RESOURCE_DATA_ITEMS)[number];

export const RESOURCE_MESSAGE: MessageDescription = {
  source: [{ name: 'Token', type: 'tt:ReferenceToken' }],
  data: [
    { name: 'Name', type: 'xs:string' },
    { name: 'Location', type: 'tt:GeoLocation', element: true },
    { name: 'Scope', type: 'xs:string' },
    { name: 'Offline', type: 'xs:boolean' },
  ],
};

export function resourceTopic(kind: ResourceKind): string {
  return `tns1:Resource/${kind}`;
}

export function declareResourceTopic(broker: EventBroker, kind: ResourceKind): RegisteredTopic {
  return broker.declareTopic({ topic: resourceTopic(kind), isProperty: true, messageDescription: RESOURCE_MESSAGE });
}
