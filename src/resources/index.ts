/**
 * Resource queries (IEC 62676-2-33 §7) on a node: the resource registry as the broker's state
 * provider for the tns1:Resource topics, the Location/Prefix/Scope/Select filters as wsnt:Filter
 * components, the media model bound to the registry, and the Media2 change events.
 *
 * Seam for recordings: the recording service calls `registry.put('Recording', token, { name,
 * deviceId })` / `registry.remove('Recording', token)` with the recording's camera as device;
 * the topic is declared on first use and every filter applies unchanged.
 */
import type { EventBroker } from '../events/broker.js';
import type { MediaModel } from '../media/model/model.js';
import { registerResourceFilters } from './filters/register.js';
import { bindMediaModel, cameraScopes } from './media-binding.js';
import { publishMediaChanges } from './media-events.js';
import { ResourceRegistry } from './registry.js';
import { MEDIA_RESOURCE_KINDS } from './topics.js';

export interface ResourceQueryOptions {
  broker: EventBroker;
  model: MediaModel;
  now(): number;
  /** Scopes every camera reports besides its own (e.g. the node's location scopes). */
  sharedScopes?: readonly string[];
}

export interface ResourceQueries {
  readonly registry: ResourceRegistry;
  close(): void;
}

export function createResourceQueries(opts: ResourceQueryOptions): ResourceQueries {
  const registry = new ResourceRegistry(opts.broker, { now: opts.now });
  for (const kind of MEDIA_RESOURCE_KINDS) registry.declare(kind);
  const removeProvider = opts.broker.addStateProvider(registry);
  registerResourceFilters(opts.broker.filters, registry);
  const unbind = bindMediaModel(opts.model, registry, { scopesOf: (cam) => cameraScopes(cam, opts.sharedScopes) });
  const stopMediaEvents = publishMediaChanges(opts.model, opts.broker, opts.now);
  return {
    registry,
    close() {
      stopMediaEvents();
      unbind();
      removeProvider();
    },
  };
}

export { ResourceRegistry } from './registry.js';
export type { ResourceDevice, ResourceView } from './registry.js';
export { resourceTopic, MEDIA_RESOURCE_KINDS, type ResourceKind } from './topics.js';
