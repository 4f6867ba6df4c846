/**
 * GetEventProperties (Core spec "Get event properties", "Topic Type Information"): the declared
 * topics as a wstop:TopicSet — one element per topic path segment, topics marked
 * wstop:topic="true" and described by a tt:MessageDescription — and the supported dialects.
 * Child segments in their root's namespace are written unqualified, as in the Core spec's
 * example; segments in other (vendor) namespaces keep their prefix.
 */
import type { EventBroker, ItemDescription, MessageDescription, RegisteredTopic } from '../../events/broker.js';
import type { TopicSegment } from '../../events/topic.js';
import { el, type Content, type Xml } from '../../xml/write.js';

export const TOPIC_NAMESPACE_LOCATION = 'http://www.onvif.org/onvif/ver10/topics/topicns.xml';
export const MESSAGE_CONTENT_SCHEMA_LOCATION = 'http://www.onvif.org/onvif/ver10/schema/onvif.xsd';

interface TreeNode {
  segment: TopicSegment;
  topic: RegisteredTopic | undefined;
  children: Map<string, TreeNode>;
}

function buildTree(topics: readonly RegisteredTopic[]): Map<string, TreeNode> {
  const roots = new Map<string, TreeNode>();
  for (const t of topics) {
    let level = roots;
    let node: TreeNode | undefined;
    for (const seg of t.path) {
      const k = `{${seg.ns}}${seg.name}`;
      node = level.get(k);
      if (!node) {
        node = { segment: seg, topic: undefined, children: new Map() };
        level.set(k, node);
      }
      level = node.children;
    }
    node!.topic = t;
  }
  return roots;
}

function items(name: string, list: ItemDescription[] | undefined): Xml | undefined {
  if (!list?.length) return undefined;
  return el(name, [
    list.filter((i) => !i.element).map((i) => el('tt:SimpleItemDescription', undefined, { Name: i.name, Type: i.type })),
    list.filter((i) => i.element).map((i) => el('tt:ElementItemDescription', undefined, { Name: i.name, Type: i.type })),
  ]);
}

export function messageDescription(d: MessageDescription, isProperty: boolean): Xml {
  return el('tt:MessageDescription', [items('tt:Source', d.source), items('tt:Key', d.key), items('tt:Data', d.data)], {
    IsProperty: isProperty ? 'true' : undefined,
  });
}

function writeNode(node: TreeNode, rootNs: string, prefixOf: (ns: string) => string | undefined, isRoot: boolean): Xml {
  const { ns, name } = node.segment;
  const qname = !isRoot && ns === rootNs ? name : `${prefixOf(ns)}:${name}`;
  const content: Content[] = [];
  if (node.topic) content.push(messageDescription(node.topic.description, node.topic.isProperty));
  for (const c of node.children.values()) content.push(writeNode(c, rootNs, prefixOf, false));
  return el(qname, content, node.topic ? { 'wstop:topic': 'true' } : undefined);
}

export function topicSet(broker: EventBroker): Xml {
  const prefixOf = (ns: string): string | undefined => broker.namespaces.prefixOf(ns);
  const roots = [...buildTree(broker.topics()).values()];
  return el(
    'wstop:TopicSet',
    roots.map((r) => writeNode(r, r.segment.ns, prefixOf, true)),
    broker.namespaces.vendorDeclarations(),
  );
}

export function getEventPropertiesResponse(broker: EventBroker): Xml {
  const filters = broker.filters;
  return el('tev:GetEventPropertiesResponse', [
    el('tev:TopicNamespaceLocation', TOPIC_NAMESPACE_LOCATION),
    // Topics grow as producers (cameras, resources) join the node.
    el('wsnt:FixedTopicSet', false),
    topicSet(broker),
    filters.topicExpressionDialects().map((d) => el('wsnt:TopicExpressionDialect', d)),
    filters.messageContentDialects().map((d) => el('tev:MessageContentFilterDialect', d)),
    el('tev:MessageContentSchemaLocation', MESSAGE_CONTENT_SCHEMA_LOCATION),
  ]);
}
