/**
 * Media2 spec "Events": tns1:Media/ProfileChanged when a profile is created, deleted or gets
 * configurations added or removed (Source: Token), and tns1:Media/ConfigurationChanged when a
 * configuration changes (Source: Token, Type — the tr2:ConfigurationEnumeration value; OSD and
 * mask changes are reported with Type "OSD" and "Mask", Type being an xs:string). Neither is a
 * property. Configurations created or removed with their camera are reported as resource events
 * (tns1:Resource/…Configuration), not here.
 */
import type { EventBroker } from '../events/broker.js';
import type { MediaModel } from '../media/model/model.js';

export const PROFILE_CHANGED_TOPIC = 'tns1:Media/ProfileChanged';
export const CONFIGURATION_CHANGED_TOPIC = 'tns1:Media/ConfigurationChanged';

export function declareMediaChangeTopics(broker: EventBroker): void {
  broker.declareTopic({ topic: PROFILE_CHANGED_TOPIC, isProperty: false, messageDescription: { source: [{ name: 'Token', type: 'tt:ReferenceToken' }] } });
  broker.declareTopic({
    topic: CONFIGURATION_CHANGED_TOPIC,
    isProperty: false,
    messageDescription: { source: [{ name: 'Token', type: 'tt:ReferenceToken' }, { name: 'Type', type: 'xs:string' }] },
  });
}

/** Publishes the model's profile and configuration changes; returns a function that stops. */
export function publishMediaChanges(model: MediaModel, broker: EventBroker, now: () => number): () => void {
  declareMediaChangeTopics(broker);
  return model.on((c) => {
    if (broker.sinkCount === 0) return;
    if (c.type === 'profile') {
      broker.publish({ topic: PROFILE_CHANGED_TOPIC, utcTime: new Date(now()), source: [['Token', c.token]], data: [] });
    } else if (c.type === 'configuration' && c.op === 'changed') {
      broker.publish({ topic: CONFIGURATION_CHANGED_TOPIC, utcTime: new Date(now()), source: [['Token', c.token], ['Type', c.kind]], data: [] });
    }
  });
}
