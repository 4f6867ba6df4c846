/**
 * The ONVIF ItemFilter message-content dialect (Core spec "Message Content Filter"): the boolean
 * XPath subset that tests for Simple/ElementItems by Name and Value, whatever group (Source, Key,
 * Data) they are in:
 *
 *   Expression ::= BoolExpr | Expression 'and' Expression | Expression 'or' Expression
 *                | '(' Expression ')' | 'not' '(' Expression ')'
 *   BoolExpr   ::= 'boolean' '(' PathExpr ')'
 *   PathExpr   ::= '//' Prefix? ('SimpleItem' | 'ElementItem') NodeTest
 *   NodeTest   ::= '[' AttrExpr ']'
 *   AttrExpr   ::= AttrComp | AttrExpr 'and' AttrExpr | AttrExpr 'or' AttrExpr
 *                | '(' AttrExpr ')' | 'not' '(' AttrExpr ')'
 *   AttrComp   ::= ('@Name' | '@Value') '=' String
 *
 * 'and' binds tighter than 'or'; both are left associative (as in XPath 1.0). Strings take
 * either XPath quote. The item prefix must denote the ONVIF schema namespace; an unbound `tt`
 * is accepted because clients routinely omit its declaration. Leniency: the NodeTest may be
 * left out (`boolean(//tt:SimpleItem)` tests for any SimpleItem).
 */
import { NS } from '../../xml/ns.js';
import { FilterParseError } from '../errors.js';
import type { Item } from '../message.js';
import type { PrefixResolver } from './topic-expression.js';

export type AttrExpr =
  | { readonly op: 'and' | 'or'; readonly left: AttrExpr; readonly right: AttrExpr }
  | { readonly op: 'not'; readonly expr: AttrExpr }
  | { readonly op: 'eq'; readonly attr: 'Name' | 'Value'; readonly value: string };

export type ItemExpr =
  | { readonly op: 'and' | 'or'; readonly left: ItemExpr; readonly right: ItemExpr }
  | { readonly op: 'not'; readonly expr: ItemExpr }
  | { readonly op: 'exists'; readonly kind: 'SimpleItem' | 'ElementItem'; readonly test: AttrExpr | undefined };

export const ITEM_FILTER_LIMITS = { maxLength: 16_384, maxDepth: 32 };

type Token =
  | { t: 'punct'; v: '(' | ')' | '[' | ']' | '=' | '//'; at: number }
  | { t: 'attr'; v: string; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'name'; v: string; at: number }
  | { t: 'end'; at: number };

const WS = /[ \t\r\n]/;
const NAME_START = /[A-Za-z_\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]/;

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const readName = (): string => {
    const start = i;
    while (i < s.length && NAME_CHAR.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    const c = s[i]!;
    if (WS.test(c)) {
      i++;
    } else if (c === '/' && s[i + 1] === '/') {
      out.push({ t: 'punct', v: '//', at: i });
      i += 2;
    } else if (c === '(' || c === ')' || c === '[' || c === ']' || c === '=') {
      out.push({ t: 'punct', v: c, at: i });
      i++;
    } else if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) throw new FilterParseError('SYNTAX', i, 'unterminated string');
      out.push({ t: 'string', v: s.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (c === '@') {
      const at = i++;
      if (i >= s.length || !NAME_START.test(s[i]!)) throw new FilterParseError('SYNTAX', at, "expected an attribute name after '@'");
      out.push({ t: 'attr', v: readName(), at });
    } else if (NAME_START.test(c)) {
      const at = i;
      let v = readName();
      if (s[i] === ':' && i + 1 < s.length && NAME_START.test(s[i + 1]!)) {
        i++;
        v += `:${readName()}`;
      }
      out.push({ t: 'name', v, at });
    } else {
      throw new FilterParseError('SYNTAX', i, `unexpected '${c}'`);
    }
  }
  out.push({ t: 'end', at: s.length });
  return out;
}

class Parser {
  #pos = 0;
  #depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly resolve: PrefixResolver,
  ) {}

  parse(): ItemExpr {
    const e = this.#expr();
    const t = this.#peek();
    if (t.t !== 'end') throw new FilterParseError('SYNTAX', t.at, 'unexpected text after the expression');
    return e;
  }

  #peek(): Token {
    return this.tokens[this.#pos]!;
  }
  #next(): Token {
    const t = this.tokens[this.#pos]!;
    if (t.t !== 'end') this.#pos++;
    return t;
  }
  #isName(v: string): boolean {
    const t = this.#peek();
    return t.t === 'name' && t.v === v;
  }
  #expect(v: '(' | ')' | '[' | ']' | '=' | '//'): void {
    const t = this.#next();
    if (t.t !== 'punct' || t.v !== v) throw new FilterParseError('SYNTAX', t.at, `expected '${v}'`);
  }
  #enter(at: number): void {
    if (++this.#depth > ITEM_FILTER_LIMITS.maxDepth) throw new FilterParseError('LIMIT', at, 'expression nested too deeply');
  }

  #expr(): ItemExpr {
    let left = this.#and();
    while (this.#isName('or')) {
      this.#next();
      left = { op: 'or', left, right: this.#and() };
    }
    return left;
  }
  #and(): ItemExpr {
    let left = this.#primary();
    while (this.#isName('and')) {
      this.#next();
      left = { op: 'and', left, right: this.#primary() };
    }
    return left;
  }
  #primary(): ItemExpr {
    const t = this.#next();
    this.#enter(t.at);
    let out: ItemExpr;
    if (t.t === 'punct' && t.v === '(') {
      out = this.#expr();
      this.#expect(')');
    } else if (t.t === 'name' && t.v === 'not') {
      this.#expect('(');
      out = { op: 'not', expr: this.#expr() };
      this.#expect(')');
    } else if (t.t === 'name' && t.v === 'boolean') {
      this.#expect('(');
      out = this.#path();
      this.#expect(')');
    } else {
      throw new FilterParseError('SYNTAX', t.at, "expected 'boolean(', 'not(' or '('");
    }
    this.#depth--;
    return out;
  }
  #path(): ItemExpr {
    this.#expect('//');
    const t = this.#next();
    if (t.t !== 'name') throw new FilterParseError('SYNTAX', t.at, 'expected SimpleItem or ElementItem');
    const colon = t.v.indexOf(':');
    const local = colon < 0 ? t.v : t.v.slice(colon + 1);
    if (colon >= 0) {
      const prefix = t.v.slice(0, colon);
      const ns = this.resolve(prefix) ?? (prefix === 'tt' ? NS.tt : undefined);
      if (ns !== NS.tt) throw new FilterParseError('PREFIX', t.at, `prefix '${prefix}' does not denote ${NS.tt}`);
    }
    if (local !== 'SimpleItem' && local !== 'ElementItem') throw new FilterParseError('SYNTAX', t.at, 'expected SimpleItem or ElementItem');
    let test: AttrExpr | undefined;
    const n = this.#peek();
    if (n.t === 'punct' && n.v === '[') {
      this.#next();
      test = this.#attrOr();
      this.#expect(']');
    }
    return { op: 'exists', kind: local, test };
  }
  #attrOr(): AttrExpr {
    let left = this.#attrAnd();
    while (this.#isName('or')) {
      this.#next();
      left = { op: 'or', left, right: this.#attrAnd() };
    }
    return left;
  }
  #attrAnd(): AttrExpr {
    let left = this.#attrPrimary();
    while (this.#isName('and')) {
      this.#next();
      left = { op: 'and', left, right: this.#attrPrimary() };
    }
    return left;
  }
  #attrPrimary(): AttrExpr {
    const t = this.#next();
    this.#enter(t.at);
    let out: AttrExpr;
    if (t.t === 'punct' && t.v === '(') {
      out = this.#attrOr();
      this.#expect(')');
    } else if (t.t === 'name' && t.v === 'not') {
      this.#expect('(');
      out = { op: 'not', expr: this.#attrOr() };
      this.#expect(')');
    } else if (t.t === 'attr' && (t.v === 'Name' || t.v === 'Value')) {
      this.#expect('=');
      const s = this.#next();
      if (s.t !== 'string') throw new FilterParseError('SYNTAX', s.at, 'expected a quoted string');
      out = { op: 'eq', attr: t.v, value: s.v };
    } else {
      throw new FilterParseError('SYNTAX', t.at, "expected @Name, @Value, 'not(' or '('");
    }
    this.#depth--;
    return out;
  }
}

export function parseItemFilter(text: string, resolve: PrefixResolver): ItemExpr {
  if (text.length > ITEM_FILTER_LIMITS.maxLength) throw new FilterParseError('LIMIT', ITEM_FILTER_LIMITS.maxLength, 'expression too long');
  return new Parser(tokenize(text), resolve).parse();
}

function quote(s: string): string {
  return s.includes('"') ? `'${s}'` : `"${s}"`;
}

function formatAttr(e: AttrExpr): string {
  switch (e.op) {
    case 'eq':
      return `@${e.attr}=${quote(e.value)}`;
    case 'not':
      return `not(${formatAttr(e.expr)})`;
    default:
      return `${formatAttrSide(e.left, e.op, false)} ${e.op} ${formatAttrSide(e.right, e.op, true)}`;
  }
}
function formatAttrSide(e: AttrExpr, parent: 'and' | 'or', right: boolean): string {
  return needsParens(e.op, parent, right) ? `(${formatAttr(e)})` : formatAttr(e);
}

/** Parentheses that keep the tree's shape: lower precedence below, or a right child of the same level. */
function needsParens(child: string, parent: 'and' | 'or', right: boolean): boolean {
  if (child !== 'and' && child !== 'or') return false;
  if (parent === 'and') return child === 'or' || right;
  return right && child === 'or';
}

/** Writes an expression back; parseItemFilter(formatItemFilter(e)) yields e again. */
export function formatItemFilter(e: ItemExpr): string {
  switch (e.op) {
    case 'exists':
      return `boolean(//tt:${e.kind}${e.test ? `[${formatAttr(e.test)}]` : ''})`;
    case 'not':
      return `not(${formatItemFilter(e.expr)})`;
    default: {
      const side = (c: ItemExpr, right: boolean): string => (needsParens(c.op, e.op, right) ? `(${formatItemFilter(c)})` : formatItemFilter(c));
      return `${side(e.left, false)} ${e.op} ${side(e.right, true)}`;
    }
  }
}

function testItem(e: AttrExpr, item: Item): boolean {
  switch (e.op) {
    case 'eq':
      // An ElementItem has no Value attribute, so @Value never equals anything there.
      return e.attr === 'Name' ? item.name === e.value : typeof item.value === 'string' && item.value === e.value;
    case 'not':
      return !testItem(e.expr, item);
    case 'and':
      return testItem(e.left, item) && testItem(e.right, item);
    case 'or':
      return testItem(e.left, item) || testItem(e.right, item);
  }
}

export interface ItemGroups {
  readonly source: readonly Item[];
  readonly key: readonly Item[];
  readonly data: readonly Item[];
}

export function evaluateItemFilter(e: ItemExpr, msg: ItemGroups): boolean {
  switch (e.op) {
    case 'exists': {
      const simple = e.kind === 'SimpleItem';
      for (const group of [msg.source, msg.key, msg.data]) {
        for (const item of group) {
          if ((typeof item.value === 'string') === simple && (!e.test || testItem(e.test, item))) return true;
        }
      }
      return false;
    }
    case 'not':
      return !evaluateItemFilter(e.expr, msg);
    case 'and':
      return evaluateItemFilter(e.left, msg) && evaluateItemFilter(e.right, msg);
    case 'or':
      return evaluateItemFilter(e.left, msg) || evaluateItemFilter(e.right, msg);
  }
}
