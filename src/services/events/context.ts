/** What the event service's handlers share, and the addresses they hand out. */
import type { Logger } from 'pino';
import { baseUrl, type RequestContext } from '../../core/context.js';
import { VigilError } from '../../core/errors.js';
import type { EventBroker } from '../../events/broker.js';
import type { SubscriptionManager } from '../../events/subscriptions.js';
import type { OperationCall } from '../../soap/service.js';
import { childText } from '../../xml/dom.js';
import { NS } from '../../xml/ns.js';
import type { HttpPoster } from './notify-http.js';

export const EVENT_SERVICE_PATH = '/onvif/event_service';
export const SUBSCRIPTIONS_PREFIX = `${EVENT_SERVICE_PATH}/subscriptions/`;

export interface PullLimits {
  /** Longest PullMessages Timeout (the Core spec requires at least one minute). */
  maxTimeoutMs: number;
  /** Most messages one PullMessagesResponse carries; larger MessageLimits are reduced to it. */
  maxMessageLimit: number;
}

export const DEFAULT_PULL_LIMITS: PullLimits = { maxTimeoutMs: 600_000, maxMessageLimit: 1000 };

export interface EventContext {
  broker: EventBroker;
  manager: SubscriptionManager;
  /** The node's clock, ms since the epoch. */
  now(): number;
  defaultHost: string;
  post: HttpPoster;
  pull: PullLimits;
  log: Logger;
}

export function eventServiceAddress(ev: EventContext, ctx: RequestContext): string {
  return baseUrl(ctx, ev.defaultHost) + EVENT_SERVICE_PATH;
}

export function subscriptionAddress(ev: EventContext, ctx: RequestContext, id: string): string {
  return baseUrl(ctx, ev.defaultHost) + SUBSCRIPTIONS_PREFIX + id;
}

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

function idFromPath(path: string): string | undefined {
  if (!path.startsWith(SUBSCRIPTIONS_PREFIX)) return undefined;
  const id = path.slice(SUBSCRIPTIONS_PREFIX.length);
  return ID_RE.test(id) ? id : undefined;
}

/**
 * The subscription a subscription-manager request addresses: from the request path (the
 * address CreatePullPointSubscription/Subscribe returned), else from its wsa:To header.
 */
export function addressedSubscription(call: OperationCall): string | undefined {
  const fromPath = idFromPath(call.ctx.url.split('?')[0]!);
  if (fromPath) return fromPath;
  const to = childText(call.header, 'To', NS.wsa);
  if (!to) return undefined;
  try {
    return idFromPath(new URL(to, 'http://localhost').pathname);
  } catch {
    return undefined;
  }
}

/** Text of a required child, or a ter:InvalidArgVal fault naming it. */
export function requiredText(call: OperationCall, name: string): string {
  const t = childText(call.body, name);
  if (t === undefined) throw new VigilError('InvalidArgVal', `${call.body.name} needs ${name}`);
  return t;
}
