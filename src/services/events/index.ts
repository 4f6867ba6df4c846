/**
 * The event service (Core spec "Event handling"), at /onvif/event_service: capabilities, event
 * properties, real-time pull points, and WS-BaseNotification subscriptions. Subscription-manager
 * requests (PullMessages, Renew, Unsubscribe, SetSynchronizationPoint) arrive at each
 * subscription's own address below `/onvif/event_service/subscriptions/`, which the service
 * claims through `pathPrefix`; the wsnt: operations through `foreignOperations`.
 */
import type { Logger } from 'pino';
import type { EventBroker } from '../../events/broker.js';
import { SubscriptionManager, type SubscriptionLimits } from '../../events/subscriptions.js';
import type { PushPolicy } from '../../events/subscription.js';
import type { OperationCall, OperationHandler, SoapService } from '../../soap/service.js';
import { NS } from '../../xml/ns.js';
import { el, type Xml } from '../../xml/write.js';
import { DEFAULT_PULL_LIMITS, EVENT_SERVICE_PATH, SUBSCRIPTIONS_PREFIX, type EventContext, type PullLimits } from './context.js';
import { withEventFaults } from './faults.js';
import { pullMessages, renew, setSynchronizationPoint, unsubscribe } from './manage.js';
import { startMonitoring } from './monitoring.js';
import { createHttpPoster, type HttpPoster } from './notify-http.js';
import { getEventPropertiesResponse } from './properties.js';
import { createPullPointSubscription, getCurrentMessage, subscribe } from './subscribe.js';

export interface EventServiceDeps {
  broker: EventBroker;
  /** The node's clock (ms since the epoch): CurrentTime, TerminationTime, UtcTime. */
  now(): number;
  /** Host for addresses when the client sent no Host header. */
  defaultHost: string;
  log: Logger;
  limits?: Partial<SubscriptionLimits>;
  pull?: Partial<PullLimits>;
  push?: Partial<PushPolicy>;
  /** Notify delivery (default: HTTP(S) POST, see notify-http.ts). */
  post?: HttpPoster;
  /** Publish the node's monitoring events (LastReboot, ProcessorUsage); default true. */
  monitoring?: boolean;
}

export interface EventService {
  readonly soap: SoapService;
  readonly manager: SubscriptionManager;
  /** Ends every subscription, wakes waiting pulls, stops timers and outbound connections. */
  close(): void;
}

export function eventServiceCapabilities(limits: SubscriptionLimits): Xml {
  return el('tev:Capabilities', undefined, {
    WSSubscriptionPolicySupport: true,
    WSPausableSubscriptionManagerInterfaceSupport: false,
    MaxNotificationProducers: limits.maxPushSubscriptions,
    MaxPullPoints: limits.maxPullPoints,
    PersistentNotificationStorage: false,
    MaxEventBrokers: 0,
    MetadataOverMQTT: false,
  });
}

export function createEventService(deps: EventServiceDeps): EventService {
  const log = deps.log;
  const manager = new SubscriptionManager(deps.broker, {
    now: deps.now,
    limits: deps.limits,
    push: deps.push,
    onEnded: (sub, reason) => {
      if (reason === 'delivery-failed') log.warn({ subscription: sub.id, owner: sub.owner }, 'notification consumer unreachable; subscription dropped');
      else log.debug({ subscription: sub.id, reason }, 'subscription ended');
    },
  });
  const poster = deps.post ? undefined : createHttpPoster();
  const ev: EventContext = {
    broker: deps.broker,
    manager,
    now: deps.now,
    defaultHost: deps.defaultHost,
    post: deps.post ?? poster!.post,
    pull: { ...DEFAULT_PULL_LIMITS, ...deps.pull },
    log,
  };
  const stopMonitoring = deps.monitoring === false ? undefined : startMonitoring(deps.broker, { now: deps.now });

  // GetEventProperties is rebuilt only when topics or content dialects were added since.
  let properties: { xml: Xml; dialects: number } | undefined;
  deps.broker.onTopicsChanged(() => (properties = undefined));
  const eventProperties = (): Xml => {
    const dialects = deps.broker.filters.messageContentDialects().length;
    if (properties?.dialects !== dialects) properties = { xml: getEventPropertiesResponse(deps.broker), dialects };
    return properties.xml;
  };

  // Every handler's EventFaults become WS-BaseNotification SOAP faults.
  const op =
    (fn: (ev: EventContext, call: OperationCall) => Xml | Promise<Xml>): OperationHandler =>
    (call) =>
      withEventFaults(deps.now, () => fn(ev, call));

  const soap: SoapService = {
    name: 'events',
    prefix: 'tev',
    namespace: NS.tev,
    path: EVENT_SERVICE_PATH,
    pathPrefix: SUBSCRIPTIONS_PREFIX,
    version: { major: 23, minor: 12 },
    capabilities: () => eventServiceCapabilities(manager.limits),
    legacyCapabilities: (base) => ({
      category: 'Events',
      xml: el('tt:Events', [
        el('tt:XAddr', base + EVENT_SERVICE_PATH),
        el('tt:WSSubscriptionPolicySupport', true),
        // The ONVIF real-time pull point (what clients look for under this name).
        el('tt:WSPullPointSupport', true),
        el('tt:WSPausableSubscriptionManagerInterfaceSupport', false),
      ]),
    }),
    operations: {
      GetServiceCapabilities: () => el('tev:GetServiceCapabilitiesResponse', eventServiceCapabilities(manager.limits)),
      GetEventProperties: eventProperties,
      CreatePullPointSubscription: op(createPullPointSubscription),
      PullMessages: op(pullMessages),
      SetSynchronizationPoint: op(setSynchronizationPoint),
    },
    foreignOperations: [
      {
        prefix: 'wsnt',
        namespace: NS.wsnt,
        operations: {
          Subscribe: op(subscribe),
          GetCurrentMessage: op(getCurrentMessage),
          Renew: op(renew),
          Unsubscribe: op(unsubscribe),
        },
      },
    ],
  };

  return {
    soap,
    manager,
    close() {
      stopMonitoring?.();
      manager.close();
      poster?.close();
    },
  };
}
