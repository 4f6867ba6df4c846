/**
 * Operations addressed to a subscription (its own URL, `/onvif/event_service/subscriptions/<id>`):
 * tev:PullMessages (pull points only), tev:SetSynchronizationPoint, wsnt:Renew, wsnt:Unsubscribe.
 * Unknown, expired or unsubscribed subscriptions answer wsrf-rw:ResourceUnknownFault; somebody
 * else's answer ter:NotAuthorized.
 */
import { VigilError } from '../../core/errors.js';
import { EventFault } from '../../events/errors.js';
import { PullSubscription, type Subscription } from '../../events/subscription.js';
import { durationFromMs, durationMs, formatDuration, parseDuration, TimeParseError } from '../../events/time.js';
import type { OperationCall } from '../../soap/service.js';
import { child } from '../../xml/dom.js';
import { el, type Xml, xsDateTime } from '../../xml/write.js';
import { addressedSubscription, eventServiceAddress, requiredText, type EventContext } from './context.js';
import { pullMessagesFault } from './faults.js';
import { notificationMessage } from './notification-xml.js';
import { requestedTermination } from './subscribe.js';

function target(ev: EventContext, call: OperationCall): Subscription {
  const id = addressedSubscription(call);
  if (id === undefined) throw new EventFault('ResourceUnknown', `${call.body.name} must be sent to a subscription's address`);
  return ev.manager.lookup(id, call.principal.username);
}

export async function pullMessages(ev: EventContext, call: OperationCall): Promise<Xml> {
  const sub = target(ev, call);
  if (!(sub instanceof PullSubscription)) throw new VigilError('ActionNotSupported', 'PullMessages is only offered by pull point subscriptions');
  const timeoutText = requiredText(call, 'Timeout');
  const limitText = requiredText(call, 'MessageLimit');
  let timeoutMs: number;
  try {
    const d = parseDuration(timeoutText);
    timeoutMs = d.negative ? -1 : durationMs(d, ev.now());
  } catch (err) {
    if (!(err instanceof TimeParseError)) throw err;
    timeoutMs = err.code === 'OUT_OF_RANGE' ? Number.POSITIVE_INFINITY : -1;
  }
  if (timeoutMs < 0) throw new VigilError('InvalidArgVal', `Timeout '${timeoutText.slice(0, 40)}' is not a non-negative xs:duration`);
  if (timeoutMs > ev.pull.maxTimeoutMs) throw pullMessagesFault(formatDuration(durationFromMs(ev.pull.maxTimeoutMs)), ev.pull.maxMessageLimit);
  const limit = Number(limitText);
  if (!/^[+-]?\d+$/.test(limitText) || limit < 1) throw new VigilError('InvalidArgVal', 'MessageLimit must be a positive xs:int');

  const messages = await ev.manager.pull(sub, timeoutMs, Math.min(limit, ev.pull.maxMessageLimit));
  const producer = eventServiceAddress(ev, call.ctx);
  return el('tev:PullMessagesResponse', [
    el('tev:CurrentTime', xsDateTime(new Date(ev.now()))),
    el('tev:TerminationTime', xsDateTime(new Date(sub.terminationTime))),
    messages.map((m) => notificationMessage(m, { producer })),
  ]);
}

export function renew(ev: EventContext, call: OperationCall): Xml {
  const sub = target(ev, call);
  const tt = child(call.body, 'TerminationTime');
  if (!tt) throw new VigilError('InvalidArgVal', 'Renew needs TerminationTime');
  const now = ev.now();
  const at = ev.manager.renew(sub, requestedTermination(tt, 'UnacceptableTerminationTime', now));
  return el('wsnt:RenewResponse', [el('wsnt:TerminationTime', xsDateTime(new Date(at))), el('wsnt:CurrentTime', xsDateTime(new Date(now)))]);
}

export function unsubscribe(ev: EventContext, call: OperationCall): Xml {
  ev.manager.unsubscribe(target(ev, call));
  return el('wsnt:UnsubscribeResponse');
}

export function setSynchronizationPoint(ev: EventContext, call: OperationCall): Xml {
  ev.manager.synchronize(target(ev, call));
  return el('tev:SetSynchronizationPointResponse');
}
