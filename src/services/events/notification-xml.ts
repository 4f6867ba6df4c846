/**
 * wsnt:NotificationMessage and wsnt:Notify documents. Each message's wsnt:Topic and tt:Message
 * were serialized once when published; here they are only framed.
 */
import { randomUUID } from 'node:crypto';
import type { PublishedEvent } from '../../events/message.js';
import { writeEnvelope } from '../../soap/envelope.js';
import { el, type Xml } from '../../xml/write.js';

export interface NotificationRefs {
  /** wsnt:SubscriptionReference address (Notify: tells the consumer which subscription). */
  subscription?: string;
  /** wsnt:ProducerReference address: the event service (Core spec "Event Notifications"). */
  producer?: string;
}

export function notificationMessage(ev: PublishedEvent, refs: NotificationRefs): Xml {
  return el('wsnt:NotificationMessage', [
    refs.subscription !== undefined ? el('wsnt:SubscriptionReference', el('wsa:Address', refs.subscription)) : undefined,
    ev.topicXml,
    refs.producer !== undefined ? el('wsnt:ProducerReference', el('wsa:Address', refs.producer)) : undefined,
    el('wsnt:Message', ev.messageXml),
  ]);
}

export const NOTIFY_ACTION = 'http://docs.oasis-open.org/wsn/bw-2/NotificationConsumer/Notify';

/** A whole SOAP 1.2 Notify envelope for a consumer, echoing its reference parameters. */
export function notifyEnvelope(events: readonly PublishedEvent[], consumer: string, referenceParameters: readonly Xml[], refs: NotificationRefs): string {
  const headers = [el('wsa:Action', NOTIFY_ACTION), el('wsa:MessageID', `urn:uuid:${randomUUID()}`), el('wsa:To', consumer), ...referenceParameters];
  return writeEnvelope(el('wsnt:Notify', events.map((ev) => notificationMessage(ev, refs))), headers);
}
