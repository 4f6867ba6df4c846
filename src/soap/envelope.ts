/**
 * SOAP 1.2 envelope reading and writing. Reading yields the Header and the single Body child;
 * writing wraps a serialized body (and header blocks) in an envelope declaring Vigil's prefixes.
 */
import { child, type XmlElement } from '../xml/dom.js';
import { NS, xmlnsDecls, type Prefix } from '../xml/ns.js';
import { DEFAULT_XML_LIMITS, parseXml, XmlParseError } from '../xml/parse.js';
import { VigilError } from '../core/errors.js';
import { el, raw, type Xml } from '../xml/write.js';

export interface SoapRequest {
  header: XmlElement | undefined;
  body: XmlElement;
  /** WS-Addressing Action and MessageID, when the client sent them. */
  action: string | undefined;
  messageId: string | undefined;
}

export function readEnvelope(text: string): SoapRequest {
  let root: XmlElement;
  try {
    root = parseXml(text, DEFAULT_XML_LIMITS);
  } catch (err) {
    const msg = err instanceof XmlParseError ? err.message : 'malformed XML';
    throw new VigilError('WellFormed', `request is not well-formed XML: ${msg}`);
  }
  if (root.name === 'Envelope' && root.ns === NS.soap11) {
    throw new VigilError('VersionMismatch', 'SOAP 1.1 envelopes are not supported; use SOAP 1.2');
  }
  if (root.name !== 'Envelope' || root.ns !== NS.env) {
    if (root.name === 'Envelope') throw new VigilError('VersionMismatch', `unknown envelope namespace '${root.ns}'`);
    throw new VigilError('WellFormed', 'the document element is not a SOAP 1.2 Envelope');
  }
  let header: XmlElement | undefined;
  let bodyEl: XmlElement | undefined;
  for (const c of root.children) {
    if (c.ns !== NS.env) throw new VigilError('WellFormed', `unexpected element '${c.name}' in Envelope`);
    if (c.name === 'Header' && !header && !bodyEl) header = c;
    else if (c.name === 'Body' && !bodyEl) bodyEl = c;
    else throw new VigilError('WellFormed', `unexpected element '${c.name}' in Envelope`);
  }
  if (!bodyEl) throw new VigilError('WellFormed', 'Envelope has no Body');
  if (bodyEl.children.length !== 1) {
    throw new VigilError('InvalidArgs', `Body must hold exactly one operation element, found ${bodyEl.children.length}`);
  }
  return {
    header,
    body: bodyEl.children[0]!,
    action: child(header, 'Action', NS.wsa)?.text.trim(),
    messageId: child(header, 'MessageID', NS.wsa)?.text.trim(),
  };
}

/** Every prefix Vigil writes; declared once on each envelope so services never track them. */
const ENVELOPE_PREFIXES: Prefix[] = [
  'env', 'xs', 'xsi', 'wsa', 'ter', 'tt', 'tds', 'trt', 'tr2', 'tev', 'tns1', 'wsnt', 'wstop',
  'wsrf-bf', 'wsrf-rw', 'tptz', 'timg', 'tan', 'tmd', 'trc', 'tse', 'trp', 'tup',
];
const ENVELOPE_OPEN = `<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope${xmlnsDecls(ENVELOPE_PREFIXES)}>`;

export function writeEnvelope(body: Xml, headerBlocks?: Xml[]): string {
  const header = headerBlocks && headerBlocks.length ? el('env:Header', headerBlocks).s : '';
  return `${ENVELOPE_OPEN}${header}<env:Body>${body.s}</env:Body></env:Envelope>`;
}

/** The WS-Addressing header blocks of a reply: Action (request's with "Response") and RelatesTo. */
export function addressingReply(req: Pick<SoapRequest, 'action' | 'messageId'>, fault: boolean): Xml[] {
  const blocks: Xml[] = [];
  if (req.action !== undefined) {
    const action = fault
      ? 'http://www.w3.org/2005/08/addressing/soap/fault'
      : req.action.endsWith('Request')
        ? `${req.action.slice(0, -'Request'.length)}Response`
        : `${req.action}Response`;
    blocks.push(el('wsa:Action', action));
  }
  if (req.messageId !== undefined) blocks.push(el('wsa:RelatesTo', req.messageId));
  return blocks;
}

export const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';
export { raw };
