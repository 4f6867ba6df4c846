import './shim.js';
import * as x509 from '@peculiar/x509';
for (const cn of ['a, b', 'a=b', 'a+b', 'plain', 'q"x', 'x\\y', '#abc', ' lead']) {
  try { const n = new x509.Name([{CN:[cn]}]); console.log(JSON.stringify(cn), '->', n.toString(), JSON.stringify(n.getField('CN'))); } catch (e) { console.log(cn, 'err', (e as Error).message); }
}
