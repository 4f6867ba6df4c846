/**
 * WS-BaseNotification faults as SOAP 1.2 faults (Core spec "SOAP Fault Messages"): the error
 * table gives env:Receiver and the fault's QName as subcode; env:Detail carries the fault
 * element itself, a wsrf-bf:BaseFaultType with its Timestamp and Description, plus what the
 * particular fault adds (UnknownFilter, MinimumTime/MaximumTime, …).
 */
import { VigilError, type ErrorCode } from '../../core/errors.js';
import { EventFault, type EventFaultKind } from '../../events/errors.js';
import { el, xsDateTime, type Content, type Xml } from '../../xml/write.js';

/** The wsrf-r namespace of ResourceUnknownFault is not on the envelope; the element declares it. */
const WSRF_R = 'http://docs.oasis-open.org/wsrf/r-2';

const FAULTS: Record<Exclude<EventFaultKind, 'NotAuthorized'>, { code: ErrorCode; element: string }> = {
  InvalidFilter: { code: 'InvalidFilterFault', element: 'wsnt:InvalidFilterFault' },
  TopicExpressionDialectUnknown: { code: 'TopicExpressionDialectUnknown', element: 'wsnt:TopicExpressionDialectUnknownFault' },
  InvalidTopicExpression: { code: 'InvalidTopicExpression', element: 'wsnt:InvalidTopicExpressionFault' },
  TopicNotSupported: { code: 'TopicNotSupported', element: 'wsnt:TopicNotSupportedFault' },
  InvalidMessageContentExpression: { code: 'InvalidMessageContentExpression', element: 'wsnt:InvalidMessageContentExpressionFault' },
  UnacceptableInitialTerminationTime: { code: 'UnacceptableInitialTerminationTime', element: 'wsnt:UnacceptableInitialTerminationTimeFault' },
  UnacceptableTerminationTime: { code: 'UnacceptableTerminationTime', element: 'wsnt:UnacceptableTerminationTimeFault' },
  UnrecognizedPolicyRequest: { code: 'UnrecognizedPolicyRequest', element: 'wsnt:UnrecognizedPolicyRequestFault' },
  UnsupportedPolicyRequest: { code: 'UnsupportedPolicyRequest', element: 'wsnt:UnsupportedPolicyRequestFault' },
  SubscribeCreationFailed: { code: 'SubscribeCreationFailed', element: 'wsnt:SubscribeCreationFailedFault' },
  ResourceUnknown: { code: 'ResourceUnknown', element: 'wsrf-r:ResourceUnknownFault' },
  UnableToGetMessages: { code: 'UnableToGetMessages', element: 'wsnt:UnableToGetMessagesFault' },
  NoCurrentMessageOnTopic: { code: 'NoCurrentMessageOnTopic', element: 'wsnt:NoCurrentMessageOnTopicFault' },
};

/** A wsrf-bf:BaseFault-derived element: Timestamp, Description, then the fault's own children. */
export function baseFaultElement(qname: string, nowMs: number, description: string, extra: Content[] = []): Xml {
  const attrs = qname.startsWith('wsrf-r:') ? { 'xmlns:wsrf-r': WSRF_R } : undefined;
  return el(qname, [el('wsrf-bf:Timestamp', xsDateTime(new Date(nowMs))), el('wsrf-bf:Description', description), extra], attrs);
}

/** QName-valued element content, declaring the prefix on the element itself. */
function qnameElement(name: string, q: { ns: string; name: string }, i: number): Xml {
  if (q.ns === '') return el(name, q.name);
  return el(name, `q${i}:${q.name}`, { [`xmlns:q${i}`]: q.ns });
}

export function toVigilError(f: EventFault, nowMs: number): VigilError {
  if (f.kind === 'NotAuthorized') return new VigilError('NotAuthorized', f.message);
  const { code, element } = FAULTS[f.kind];
  const extra: Content[] = [];
  if (f.kind === 'InvalidFilter') extra.push((f.info.qnames ?? []).map((q, i) => qnameElement('wsnt:UnknownFilter', q, i)));
  if (f.kind === 'UnrecognizedPolicyRequest') extra.push((f.info.qnames ?? []).map((q, i) => qnameElement('wsnt:UnrecognizedPolicy', q, i)));
  if (f.kind === 'UnsupportedPolicyRequest') extra.push((f.info.qnames ?? []).map((q, i) => qnameElement('wsnt:UnsupportedPolicy', q, i)));
  if (f.kind === 'UnacceptableInitialTerminationTime' || f.kind === 'UnacceptableTerminationTime') {
    extra.push(el('wsnt:MinimumTime', xsDateTime(new Date(f.info.minimumTime ?? nowMs))));
    if (f.info.maximumTime !== undefined) extra.push(el('wsnt:MaximumTime', xsDateTime(new Date(f.info.maximumTime))));
  }
  return new VigilError(code, f.message, undefined, baseFaultElement(element, nowMs, f.message, extra));
}

/** Runs `fn`, turning EventFaults into the SOAP faults they stand for. */
export async function withEventFaults<T>(nowMs: () => number, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EventFault) throw toVigilError(err, nowMs());
    throw err;
  }
}

/** tev:PullMessagesFaultResponse: the Timeout asked for exceeds what the node supports. */
export function pullMessagesFault(maxTimeout: string, maxMessageLimit: number): VigilError {
  const message = `Timeout exceeds the supported maximum ${maxTimeout}`;
  return new VigilError(
    'PullMessagesFault',
    message,
    undefined,
    el('tev:PullMessagesFaultResponse', [el('tev:MaxTimeout', maxTimeout), el('tev:MaxMessageLimit', maxMessageLimit)]),
  );
}
