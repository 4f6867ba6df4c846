/**
 * Bounded, namespace-aware XML parsing into `XmlElement` trees (saxes underneath).
 * Hostile input is refused rather than processed: any DOCTYPE (so no entity expansion of any
 * kind), too many elements, too deep nesting, too long text. Errors are `XmlParseError`s.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { XmlElement } from './dom.js';

export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
  maxTextLength: number;
  maxAttributes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxDepth: 64,
  maxElements: 20_000,
  maxTextLength: 1_000_000,
  maxAttributes: 64,
};

export class XmlParseError extends Error {
  readonly code: 'MALFORMED' | 'DOCTYPE' | 'LIMIT';
  constructor(code: XmlParseError['code'], message: string) {
    super(message);
    this.name = 'XmlParseError';
    this.code = code;
  }
}

interface Building {
  ns: string;
  name: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  text: string;
  nsScope: Map<string, string>;
}

export function parseXml(input: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let textTotal = 0;
  let failure: XmlParseError | undefined;
  const fail = (e: XmlParseError): never => {
    failure ??= e;
    throw e;
  };

  parser.on('doctype', () => fail(new XmlParseError('DOCTYPE', 'DOCTYPE declarations are not accepted')));
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (++elements > limits.maxElements) fail(new XmlParseError('LIMIT', `more than ${limits.maxElements} elements`));
    if (stack.length >= limits.maxDepth) fail(new XmlParseError('LIMIT', `nesting deeper than ${limits.maxDepth}`));
    const attrs = new Map<string, string>();
    let count = 0;
    for (const a of Object.values(tag.attributes)) {
      if (++count > limits.maxAttributes) fail(new XmlParseError('LIMIT', `more than ${limits.maxAttributes} attributes`));
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs.set(a.uri ? `{${a.uri}}${a.local}` : a.local, a.value);
    }
    const parentScope = stack.length ? stack[stack.length - 1]!.nsScope : undefined;
    let nsScope: Map<string, string>;
    const declared = Object.entries(tag.ns);
    if (declared.length === 0 && parentScope) nsScope = parentScope;
    else {
      nsScope = new Map(parentScope);
      for (const [p, uri] of declared) nsScope.set(p, uri);
    }
    stack.push({ ns: tag.uri, name: tag.local, attrs, children: [], text: '', nsScope });
  });
  const onText = (t: string): void => {
    textTotal += t.length;
    if (textTotal > limits.maxTextLength) fail(new XmlParseError('LIMIT', 'text content too long'));
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const done = stack.pop() as XmlElement;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(done);
    else root = done;
  });

  try {
    parser.write(input).close();
  } catch (err) {
    if (failure) throw failure;
    const msg = err instanceof Error ? err.message.replace(/^undefined:/, '').split('\n')[0] : 'malformed XML';
    throw new XmlParseError('MALFORMED', msg || 'malformed XML');
  }
  if (!root) throw new XmlParseError('MALFORMED', 'no root element');
  return root;
}
