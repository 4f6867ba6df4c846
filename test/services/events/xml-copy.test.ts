import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyElement } from '../../../src/services/events/xml-copy.js';
import type { XmlElement } from '../../../src/xml/dom.js';
import { parseXml } from '../../../src/xml/parse.js';

/** Namespace-level identity of two trees (prefixes may differ). */
function same(a: XmlElement, b: XmlElement): void {
  assert.equal(b.ns, a.ns);
  assert.equal(b.name, a.name);
  assert.equal(b.text, a.text);
  for (const [k, v] of a.attrs) assert.equal(b.attrs.get(k), v, k);
  assert.equal(b.children.length, a.children.length);
  a.children.forEach((c, i) => same(c, b.children[i]!));
}

test('copyElement writes an equivalent element, QName text keeps its bindings, extra attributes are added', () => {
  const src = parseXml(
    '<r xmlns:a="urn:a" xmlns:q="urn:q"><a:Token a:kind="x &amp; y" plain="1">q:Value &lt;1&gt;<a:Sub/><inner xmlns="urn:d"><deep/></inner></a:Token></r>',
  );
  const token = src.children[0]!;
  const copy = copyElement(token, [{ ns: 'http://www.w3.org/2005/08/addressing', name: 'IsReferenceParameter', value: 'true' }]);
  const back = parseXml(copy.s);
  assert.equal(back.attrs.get('{http://www.w3.org/2005/08/addressing}IsReferenceParameter'), 'true');
  const withoutExtra = { ...back, attrs: new Map([...back.attrs].filter(([k]) => !k.includes('addressing'))) };
  same(token, withoutExtra);
  assert.equal(back.nsScope.get('q'), 'urn:q', 'the q: in the text still resolves');
});
