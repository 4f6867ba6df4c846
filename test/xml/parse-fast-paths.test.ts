/**
 * The parser's fast paths (typed-array scanning, short runs checked in JavaScript and long ones
 * natively, known attribute values, in-place end-tag and prefix comparison, working arrays shared
 * between documents) must give exactly what the plain paths give. These cases sit on their edges.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_XML_LIMITS, parseXml, XmlParseError, type XmlLimits } from '../../src/xml/parse.js';
import { child, type XmlElement } from '../../src/xml/dom.js';
import { NS } from '../../src/xml/ns.js';

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function failure(s: string, limits?: XmlLimits): XmlParseError {
  try {
    parseXml(s, limits);
  } catch (e) {
    assert.ok(e instanceof XmlParseError, String(e));
    return e;
  }
  assert.fail(`accepted ${JSON.stringify(s)}`);
}

type Plain = { ns: string; name: string; attrs: [string, string][]; text: string; children: Plain[] };
const plain = (e: XmlElement): Plain => ({ ns: e.ns, name: e.name, attrs: [...e.attrs], text: e.text, children: e.children.map(plain) });

test('a forbidden character is reported wherever it is, and before any other fault', () => {
  const long = 'x'.repeat(100);
  for (const [s, at] of [
    ['<a>\u0001</a>', 3],
    [`<a>${long}\u0002</a>`, 103],
    ['<a b="\u0003"/>', 6],
    [`<a b="${long}\u0004"/>`, 106],
    [`<a b='${long}\uFFFF'/>`, 106],
    ['<a>\uFFFE</a>', 3],
    ['<a><!-- \u0005 --></a>', 8],
    ['<a><?pi \u0006?></a>', 8],
    ['<a><![CDATA[\u0007]]></a>', 12],
    ['<?xml version="1.0"\u000B?><a/>', 19],
    // Other faults first: DOCTYPE, a mismatched tag, an undefined entity, a limit.
    ['<!DOCTYPE a><a>\u0008</a>', 15],
    ['<a></b>\u000C', 7],
    ['<a>&nope;\u000E</a>', 9],
    ['<a><a><a>\u001F</a></a></a>', 9],
  ] as const) {
    const e = failure(s, { ...DEFAULT_XML_LIMITS, maxDepth: 2 });
    assert.equal(e.code, 'MALFORMED', s);
    assert.equal(e.offset, at, s);
    assert.match(e.message, /forbidden control character/);
  }
});

test('fuzz: a document holding a forbidden character fails at the first one', () => {
  const unit = fc.constantFrom('<a>', '</a>', '<b x="1">', '</b>', 'text', ' ', '\t', '\n', '&amp;', '"', '\u0001', '\u001F', '\uFFFE', 'é', '<![CDATA[', ']]>', '<!--', '-->');
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 30 }), (parts) => {
      const s = parts.join('');
      const first = s.search(FORBIDDEN);
      if (first < 0) return;
      const e = failure(s);
      assert.equal(e.code, 'MALFORMED');
      assert.equal(e.offset, first);
    }),
    { numRuns: 3000 },
  );
});

test('long text and attribute values: references, normalization and refusals past the first characters', () => {
  const pad = 'p'.repeat(40);
  assert.equal(parseXml(`<a>${pad}&lt;${pad}</a>`).text, `${pad}<${pad}`);
  assert.equal(parseXml(`<a>${pad}]${pad}</a>`).text, `${pad}]${pad}`);
  assert.equal(parseXml(`<a>${pad}<![CDATA[<x>]]>${pad}&#x41;</a>`).text, `${pad}<x>${pad}A`);
  assert.equal(failure(`<a>${pad}]]>${pad}</a>`).code, 'MALFORMED');
  assert.equal(parseXml(`<a v="${pad}&amp;${pad}"/>`).attrs.get('v'), `${pad}&${pad}`);
  assert.equal(parseXml(`<a v="${pad}\r\n${pad}\t"/>`).attrs.get('v'), `${pad} ${pad} `);
  assert.equal(parseXml(`<a v='${pad}"${pad}'/>`).attrs.get('v'), `${pad}"${pad}`);
  assert.equal(failure(`<a v="${pad}<${pad}"/>`).offset, 5);
  assert.equal(failure(`<a v="${pad}`).offset, 5);
  assert.equal(parseXml(`<a>\t${pad}\r\n</a>`).text, `\t${pad}\r\n`);
});

test('known attribute values come back as the constants; values of the same length that differ do not', () => {
  const env = parseXml(`<s:Envelope xmlns:s="${NS.env}"><s:Body/></s:Envelope>`);
  assert.equal(env.ns, NS.env);
  assert.equal(child(env, 'Body')!.ns, NS.env);
  // Decoded to a known URI: still the constant's value.
  assert.equal(parseXml('<s:E xmlns:s="http://www.w3.org/2003/05/soap&#45;envelope"/>').ns, NS.env);
  const almost = NS.env.replace('soap', 'soaq');
  assert.equal(parseXml(`<s:E xmlns:s="${almost}"/>`).ns, almost);
  const digest = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
  assert.equal(parseXml(`<P Type="${digest}"/>`).attrs.get('Type'), digest);
  const other = digest.replace('Digest', 'Digust');
  assert.equal(parseXml(`<P Type="${other}"/>`).attrs.get('Type'), other);
  assert.equal(parseXml('<P Type=""/>').attrs.get('Type'), '');
});

test('working arrays shared between documents: a long document, then short and broken ones', () => {
  const longDoc = `<r a="1">${'<b>x</b>'.repeat(3000)}</r>`;
  assert.equal(parseXml(longDoc).children.length, 3000);
  // Nothing of the long document may be read past the end of the next ones.
  assert.equal(failure('<r a="1"><b>x</b').code, 'MALFORMED');
  assert.equal(failure('<r></r').code, 'MALFORMED');
  assert.equal(failure('<r>').code, 'MALFORMED');
  assert.equal(failure('<r a="1').code, 'MALFORMED');
  assert.deepEqual(plain(parseXml('<r/>')), { ns: '', name: 'r', attrs: [], text: '', children: [] });
  // A failed parse leaves nothing behind for the next one.
  assert.equal(failure(`<r>${'<b>'.repeat(50)}<c d="`).code, 'MALFORMED');
  assert.deepEqual(plain(parseXml('<r><b/></r>')), { ns: '', name: 'r', attrs: [], text: '', children: [{ ns: '', name: 'b', attrs: [], text: '', children: [] }] });
});

test('documents larger than the kept working arrays; deep nesting and many attributes with raised limits', () => {
  const limits: XmlLimits = { maxDepth: 300, maxElements: 100_000, maxTextLength: 3_000_000, maxAttributes: 200 };
  const huge = `<a>${'é'.repeat(1_100_000)}</a>`;
  assert.equal(parseXml(huge, limits).text.length, 1_100_000);
  assert.equal(parseXml('<a>after</a>').text, 'after');
  let deep = parseXml(`${'<d x="1">'.repeat(250)}t${'</d>'.repeat(250)}`, limits);
  for (let k = 1; k < 250; k++) deep = deep.children[0]!;
  assert.equal(deep.text, 't');
  const many = parseXml(`<a ${Array.from({ length: 150 }, (_, k) => `n${k}="${k}"`).join(' ')}/>`, limits);
  assert.equal(many.attrs.size, 150);
  assert.equal(many.attrs.get('n149'), '149');
  assert.equal(failure(`<a ${Array.from({ length: 65 }, (_, k) => `n${k}="${k}"`).join(' ')}/>`).code, 'LIMIT');
});

test('children of every count keep their order', () => {
  for (let count = 0; count <= 5; count++) {
    const names = Array.from({ length: count }, (_, k) => `c${k}`);
    const root = parseXml(`<r>${names.map((n) => `<${n}>${n}</${n}>`).join('')}</r>`);
    assert.deepEqual(
      root.children.map((c) => [c.name, c.text]),
      names.map((n) => [n, n]),
    );
    for (const c of root.children) assert.deepEqual(c.children, []);
  }
  const nested = parseXml('<r><a><b/><c><d/></c></a><e/></r>');
  assert.deepEqual(plain(nested).children.map((c) => [c.name, c.children.map((g) => g.name)]), [['a', ['b', 'c']], ['e', []]]);
});

test('end tags: whitespace, names that only share a beginning, non-ASCII names', () => {
  assert.equal(parseXml('<a></a >').name, 'a');
  assert.equal(parseXml('<a></a\n\t>').name, 'a');
  assert.equal(failure('<a></ab>').code, 'MALFORMED');
  assert.equal(failure('<ab></a>').code, 'MALFORMED');
  assert.equal(failure('<ab></ba>').code, 'MALFORMED');
  assert.equal(failure('<a></a').code, 'MALFORMED');
  assert.match(failure('<p:a xmlns:p="u"></q:a>').message, /does not match <p:a>/);
  assert.equal(parseXml('<é></é>').name, 'é');
  assert.equal(parseXml('<aé>x</aé>').text, 'x');
  assert.equal(failure('<aé></ae>').code, 'MALFORMED');
});

test('qualified names: prefixes looked up in place, malformed names refused, ASCII or not', () => {
  const root = parseXml('<r xmlns:a="urn:a" xmlns:ab="urn:ab"><ab:x/><a:x/><aé:y xmlns:aé="urn:ae"/></r>');
  assert.deepEqual(
    root.children.map((c) => [c.ns, c.name]),
    [
      ['urn:ab', 'x'],
      ['urn:a', 'x'],
      ['urn:ae', 'y'],
    ],
  );
  for (const bad of ['<a:b:c xmlns:a="u"/>', '<:a/>', '<a:/>', '<é:/>', '<:é/>', '<é:a:b/>', '<r xmlns:a="u" a:b:c="1"/>', '<r xmlns:a="u" a:="1"/>']) {
    assert.match(failure(bad).message, /malformed name/, bad);
  }
  assert.match(failure('<abc:x xmlns:ab="u"/>').message, /unbound prefix 'abc'/);
  assert.match(failure('<r xmlns:ab="u" abc:x="1"/>').message, /unbound prefix 'abc'/);
});

test('namespace scopes: shared by elements that declare nothing, iterated innermost-last', () => {
  const root = parseXml('<r xmlns="urn:d" xmlns:p="urn:p"><a><b xmlns:p="urn:q" xmlns=""/></a></r>');
  const a = root.children[0]!;
  const b = a.children[0]!;
  assert.equal(a.nsScope, root.nsScope);
  assert.notEqual(b.nsScope, a.nsScope);
  assert.equal(b.ns, '');
  assert.deepEqual(
    [...b.nsScope],
    [
      ['xml', 'http://www.w3.org/XML/1998/namespace'],
      ['', ''],
      ['p', 'urn:q'],
    ],
  );
  assert.equal(b.nsScope.get('p'), 'urn:q');
  assert.equal(a.nsScope.get('p'), 'urn:p');
});

test('limits are read once, so a getter cannot re-enter the parser mid-document', () => {
  let inner: XmlElement | undefined;
  const limits = {
    ...DEFAULT_XML_LIMITS,
    get maxElements() {
      inner = parseXml('<inner><x>1</x></inner>');
      return 100;
    },
  };
  const outer = parseXml('<outer a="1"><y>2</y></outer>', limits);
  assert.deepEqual(plain(outer), { ns: '', name: 'outer', attrs: [['a', '1']], text: '', children: [{ ns: '', name: 'y', attrs: [], text: '2', children: [] }] });
  assert.equal(inner!.children[0]!.text, '1');
});

test('attributes read like a Map: get, has, size, iteration in document order, forEach', () => {
  const e = parseXml('<a xmlns:p="urn:p" z="1" p:y="2" x=""/>');
  const attrs = e.attrs;
  assert.equal(attrs.size, 3);
  assert.equal(attrs.get('z'), '1');
  assert.equal(attrs.get('{urn:p}y'), '2');
  assert.equal(attrs.get('x'), '');
  assert.equal(attrs.get('y'), undefined);
  assert.ok(attrs.has('x') && !attrs.has('xmlns:p'));
  assert.deepEqual([...attrs], [['z', '1'], ['{urn:p}y', '2'], ['x', '']]);
  assert.deepEqual([...attrs.keys()], ['z', '{urn:p}y', 'x']);
  assert.deepEqual([...attrs.values()], ['1', '2', '']);
  const seen: string[] = [];
  attrs.forEach((v, k, map) => {
    assert.equal(map, attrs);
    seen.push(`${k}=${v}`);
  });
  assert.deepEqual(seen, ['z=1', '{urn:p}y=2', 'x=']);
  const none = parseXml('<a xmlns="urn:d"/>').attrs;
  assert.equal(none.size, 0);
  assert.deepEqual([...none], []);
});
