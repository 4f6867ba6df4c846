/**
 * Reading the resource filter elements (2-33 §7.3–7.6). Their schema types are given in 2-33
 * only (not in the ONVIF XSDs), without a target namespace; clients send them unqualified or in
 * the tt namespace, and their children likewise, so both are read. Anything else inside a filter
 * — unknown or repeated children, values outside their XML Schema type — is a
 * `ResourceFilterError` with a stable code, which the event service answers with
 * wsnt:InvalidFilterFault naming the filter element.
 */
import type { XmlElement } from '../../xml/dom.js';
import { NS } from '../../xml/ns.js';

export type ResourceFilterErrorCode =
  /** A required child is missing. */
  | 'MISSING'
  /** A child that the type does not have, or one repeated that may occur once. */
  | 'UNEXPECTED'
  /** Text that is not of the child's type (xs:double, xs:boolean, a path …). */
  | 'SYNTAX'
  /** Well-formed, but not an acceptable value (negative radius, latitude beyond 90° …). */
  | 'RANGE'
  /** Too many children or too long a text. */
  | 'LIMIT';

export class ResourceFilterError extends Error {
  readonly code: ResourceFilterErrorCode;
  /** Local name of the child (or the filter element) at fault. */
  readonly field: string;
  constructor(code: ResourceFilterErrorCode, field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ResourceFilterError';
    this.code = code;
    this.field = field;
  }
}

/** Children and text this long are refused before any work on them. */
export const MAX_FILTER_CHILDREN = 64;
export const MAX_VALUE_LENGTH = 1024;

/** A resource filter element's namespace: unqualified or tt. */
export function isFilterNamespace(ns: string): boolean {
  return ns === '' || ns === NS.tt;
}

/**
 * The children of `el` grouped by local name; only `allowed` names (unqualified or tt) may occur,
 * and those in `single` at most once.
 */
export function groupChildren(el: XmlElement, allowed: readonly string[], single: readonly string[]): Map<string, XmlElement[]> {
  if (el.children.length > MAX_FILTER_CHILDREN) throw new ResourceFilterError('LIMIT', el.name, `at most ${MAX_FILTER_CHILDREN} children`);
  const out = new Map<string, XmlElement[]>();
  for (const c of el.children) {
    if (!isFilterNamespace(c.ns) || !allowed.includes(c.name)) {
      throw new ResourceFilterError('UNEXPECTED', c.name, `${el.name} has no child ${c.ns ? `{${c.ns}}` : ''}${c.name} (expected ${allowed.join(', ')})`);
    }
    const list = out.get(c.name) ?? [];
    list.push(c);
    if (list.length > 1 && single.includes(c.name)) throw new ResourceFilterError('UNEXPECTED', c.name, 'may occur only once');
    out.set(c.name, list);
  }
  return out;
}

/** The trimmed text of an element (XML Schema whitespace collapse for the simple types here). */
export function valueText(el: XmlElement): string {
  if (el.children.length > 0) throw new ResourceFilterError('SYNTAX', el.name, 'must hold text, not elements');
  const t = el.text.trim();
  if (t.length > MAX_VALUE_LENGTH) throw new ResourceFilterError('LIMIT', el.name, `longer than ${MAX_VALUE_LENGTH} characters`);
  return t;
}

const DOUBLE_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * xs:double / xs:float text as a finite number. INF and NaN are valid lexical forms, but no
 * coordinate, height or radius can be infinite or not a number, so they are RANGE errors.
 */
export function parseFiniteNumber(el: XmlElement): number {
  const t = valueText(el);
  if (t === 'INF' || t === '+INF' || t === '-INF' || t === 'NaN') throw new ResourceFilterError('RANGE', el.name, `must be a finite number, not ${t}`);
  if (!DOUBLE_RE.test(t)) throw new ResourceFilterError('SYNTAX', el.name, `'${t.slice(0, 40)}' is not an xs:double`);
  const n = Number(t);
  if (!Number.isFinite(n)) throw new ResourceFilterError('RANGE', el.name, 'is out of range');
  return n;
}

export function parseXsBoolean(el: XmlElement): boolean {
  const t = valueText(el);
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new ResourceFilterError('SYNTAX', el.name, `'${t.slice(0, 40)}' is not an xs:boolean`);
}

export function required(groups: Map<string, XmlElement[]>, name: string, filter: string): XmlElement {
  const e = groups.get(name)?.[0];
  if (!e) throw new ResourceFilterError('MISSING', name, `${filter} needs ${name}`);
  return e;
}
