/**
 * Creating subscriptions: tev:CreatePullPointSubscription (Core spec "Create pull point
 * subscription") and wsnt:Subscribe (WS-BaseNotification, a consumer that receives Notify
 * messages), which share Filter, InitialTerminationTime and SubscriptionPolicy. Also
 * wsnt:GetCurrentMessage, the NotificationProducer's other operation.
 */
import { VigilError } from '../../core/errors.js';
import { EventFault, FilterParseError } from '../../events/errors.js';
import { scopeResolver, TOPIC_DIALECTS } from '../../events/filters/registry.js';
import { parseTopicExpression } from '../../events/filters/topic-expression.js';
import type { CreateRequest } from '../../events/subscriptions.js';
import { topicKey, type TopicPath } from '../../events/topic.js';
import { parseAbsoluteOrRelativeTime, TimeParseError, type AbsoluteOrRelativeTime } from '../../events/time.js';
import type { OperationCall } from '../../soap/service.js';
import { attr, child, type XmlElement } from '../../xml/dom.js';
import { NS } from '../../xml/ns.js';
import { el, type Xml, xsDateTime } from '../../xml/write.js';
import { addressedSubscription, eventServiceAddress, subscriptionAddress, type EventContext } from './context.js';
import { copyElement } from './xml-copy.js';
import { notifyEnvelope, NOTIFY_ACTION } from './notification-xml.js';
import { consumerUrl } from './notify-http.js';

/** An element's xsi:nil="true" (InitialTerminationTime and TerminationTime are nillable). */
function isNil(e: XmlElement): boolean {
  const v = attr(e, 'nil', NS.xsi)?.trim();
  return v === 'true' || v === '1';
}

/**
 * A (Initial)TerminationTime: undefined when absent (the node's default applies); nil asks for
 * no scheduled termination, which the node grants as its maximum.
 */
export function requestedTermination(e: XmlElement | undefined, fault: 'UnacceptableInitialTerminationTime' | 'UnacceptableTerminationTime', now: number): AbsoluteOrRelativeTime | undefined {
  if (!e) return undefined;
  if (isNil(e)) return { kind: 'absolute', at: Number.MAX_SAFE_INTEGER };
  try {
    return parseAbsoluteOrRelativeTime(e.text);
  } catch (err) {
    if (err instanceof TimeParseError) {
      throw new EventFault(fault, `'${e.text.trim().slice(0, 40)}' is neither an xs:dateTime nor an xs:duration`, { minimumTime: now + 1000 });
    }
    throw err;
  }
}

/** SubscriptionPolicy: tev:ChangedOnly is understood; wsnt:UseRaw is known but not offered. */
function subscriptionPolicy(policy: XmlElement | undefined): { changedOnly: boolean } {
  let changedOnly = false;
  for (const p of policy?.children ?? []) {
    if (p.ns === NS.tev && p.name === 'ChangedOnly') {
      // The element's presence is the policy; an explicit "false" turns it off.
      changedOnly = p.text.trim() !== 'false';
    } else if (p.ns === NS.wsnt && p.name === 'UseRaw') {
      throw new EventFault('UnsupportedPolicyRequest', 'wsnt:UseRaw is not supported; notifications use the Notify wrapper', { qnames: [{ ns: p.ns, name: p.name }] });
    } else {
      throw new EventFault('UnrecognizedPolicyRequest', `unknown subscription policy ${p.name}`, { qnames: [{ ns: p.ns, name: p.name }] });
    }
  }
  return { changedOnly };
}

function createRequest(ev: EventContext, call: OperationCall): CreateRequest {
  const filter = ev.broker.filters.compile(child(call.body, 'Filter'), { topics: () => ev.broker.topics() });
  const { changedOnly } = subscriptionPolicy(child(call.body, 'SubscriptionPolicy'));
  const initialTermination = requestedTermination(child(call.body, 'InitialTerminationTime'), 'UnacceptableInitialTerminationTime', ev.now());
  return { owner: call.principal.username, filter, changedOnly, initialTermination };
}

export function createPullPointSubscription(ev: EventContext, call: OperationCall): Xml {
  const now = ev.now();
  const sub = ev.manager.createPull(createRequest(ev, call));
  return el('tev:CreatePullPointSubscriptionResponse', [
    el('tev:SubscriptionReference', el('wsa:Address', subscriptionAddress(ev, call.ctx, sub.id))),
    el('wsnt:CurrentTime', xsDateTime(new Date(now))),
    el('wsnt:TerminationTime', xsDateTime(new Date(sub.terminationTime))),
  ]);
}

export function subscribe(ev: EventContext, call: OperationCall): Xml {
  const consumer = child(call.body, 'ConsumerReference');
  const addressText = child(consumer, 'Address', NS.wsa)?.text.trim() ?? '';
  const url = consumerUrl(addressText);
  if (!url) throw new VigilError('InvalidArgVal', 'ConsumerReference must hold an absolute http: or https: address');
  const req = createRequest(ev, call);
  // WS-Addressing: reference parameters of the consumer's EPR go back as Notify header blocks.
  const referenceParameters = (child(consumer, 'ReferenceParameters', NS.wsa)?.children ?? []).map((p) =>
    copyElement(p, [{ ns: NS.wsa, name: 'IsReferenceParameter', value: 'true' }]),
  );
  const now = ev.now();
  let address = '';
  const refs = { producer: eventServiceAddress(ev, call.ctx) };
  const sub = ev.manager.createPush(req, {
    send: async (events) => {
      const body = notifyEnvelope(events, url.href, referenceParameters, { ...refs, subscription: address });
      const status = await ev.post(url, body, NOTIFY_ACTION);
      if (status < 200 || status > 299) throw new Error(`consumer answered HTTP ${status}`);
    },
  });
  address = subscriptionAddress(ev, call.ctx, sub.id);
  return el('wsnt:SubscribeResponse', [
    el('wsnt:SubscriptionReference', el('wsa:Address', address)),
    el('wsnt:CurrentTime', xsDateTime(new Date(now))),
    el('wsnt:TerminationTime', xsDateTime(new Date(sub.terminationTime))),
  ]);
}

/** wsnt:GetCurrentMessage: the last message on one concrete topic. */
export function getCurrentMessage(ev: EventContext, call: OperationCall): Xml {
  if (addressedSubscription(call) !== undefined) throw new VigilError('ActionNotSupported', 'GetCurrentMessage is served by the event service address');
  const topicEl = child(call.body, 'Topic');
  if (!topicEl) throw new VigilError('InvalidArgVal', 'GetCurrentMessage needs Topic');
  const dialect = (attr(topicEl, 'Dialect') ?? '').trim();
  if (dialect !== TOPIC_DIALECTS.concrete && dialect !== TOPIC_DIALECTS.concreteSet) {
    throw new EventFault('TopicExpressionDialectUnknown', `topic expression dialect '${dialect}' is not supported`);
  }
  let expr;
  try {
    expr = parseTopicExpression(topicEl.text.trim(), scopeResolver(topicEl));
  } catch (err) {
    if (err instanceof FilterParseError) throw new EventFault('InvalidTopicExpression', `invalid topic: ${err.message}`);
    throw err;
  }
  const only = expr[0];
  if (expr.length !== 1 || !only || only.subtree || only.segments.some((s) => s.ns === undefined || s.name === undefined)) {
    throw new EventFault('InvalidTopicExpression', 'GetCurrentMessage needs exactly one concrete topic');
  }
  const key = topicKey(only.segments as TopicPath);
  if (!ev.broker.topicByKey(key)) throw new EventFault('TopicNotSupported', 'no such topic on this node');
  const last = ev.broker.lastMessage(key);
  if (!last) throw new EventFault('NoCurrentMessageOnTopic', 'nothing has been published on this topic yet');
  return el('wsnt:GetCurrentMessageResponse', last.messageXml);
}
