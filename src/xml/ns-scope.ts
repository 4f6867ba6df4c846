/**
 * Namespace scopes of parsed elements, and the attribute values the parser recognizes as
 * constants (parse.ts).
 */
import type { NsBindings } from './dom.js';
import { NS } from './ns.js';

/**
 * The namespace bindings an element declares, chained to its parent's. Most elements declare
 * none and share their parent's scope object; lookups walk a chain a few links long, which is
 * cheaper than copying a Map per declaring element and hashing every freshly sliced prefix.
 */
export class NsScope implements NsBindings {
  readonly #parent: NsScope | undefined;
  /** Prefix, URI, prefix, URI, … (each prefix once: a repeated declaration is a duplicate attribute). */
  readonly #bindings: readonly string[];
  constructor(parent: NsScope | undefined, bindings: readonly string[]) {
    this.#parent = parent;
    this.#bindings = bindings;
  }
  get(prefix: string): string | undefined {
    return NsScope.#get(this, prefix);
  }
  static #get(innermost: NsScope, prefix: string): string | undefined {
    for (let scope: NsScope | undefined = innermost; scope !== undefined; scope = scope.#parent) {
      const bindings = scope.#bindings;
      for (let k = 0; k < bindings.length; k += 2) if (bindings[k] === prefix) return bindings[k + 1];
    }
    return undefined;
  }
  /** get() for the prefix at u[start, start + length), without slicing it out of the document. */
  getAt(u: Uint16Array, start: number, length: number): string | undefined {
    return NsScope.#getAt(this, u, start, length);
  }
  static #getAt(innermost: NsScope, u: Uint16Array, start: number, length: number): string | undefined {
    for (let scope: NsScope | undefined = innermost; scope !== undefined; scope = scope.#parent) {
      const bindings = scope.#bindings;
      next: for (let k = 0; k < bindings.length; k += 2) {
        const prefix = bindings[k]!;
        if (prefix.length !== length) continue;
        for (let j = 0; j < length; j++) if (prefix.charCodeAt(j) !== u[start + j]) continue next;
        return bindings[k + 1];
      }
    }
    return undefined;
  }
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    const all = new Map<string, string>();
    const chain: NsScope[] = [this];
    for (let scope = this.#parent; scope; scope = scope.#parent) chain.unshift(scope);
    for (const scope of chain) for (let k = 0; k < scope.#bindings.length; k += 2) all.set(scope.#bindings[k]!, scope.#bindings[k + 1]!);
    yield* all;
  }
}

/**
 * Attribute values requests carry over and over, grouped by length: the namespace URIs Vigil
 * knows, and WS-Security's token and encoding types. A parsed value equal to one is swapped for
 * the constant, so that comparing a namespace with NS.x (child lookups, dispatch) is a pointer
 * check, not a 90-character one; and a value found equal to one needs no character checks (one
 * native comparison costs less). Looked up by length and string equality rather than through a
 * Map, which would first hash all of the freshly sliced value.
 */
const KNOWN_VALUES_BY_LENGTH: (string[] | undefined)[] = [];
const WSS_TOKEN_PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
const WSS_MESSAGE_SECURITY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0';
for (const value of new Set<string>([
  ...Object.values(NS),
  `${WSS_TOKEN_PROFILE}#PasswordDigest`,
  `${WSS_TOKEN_PROFILE}#PasswordText`,
  `${WSS_MESSAGE_SECURITY}#Base64Binary`,
])) {
  (KNOWN_VALUES_BY_LENGTH[value.length] ??= []).push(value);
}

/** The known constant equal to s[from, to), if any. */
export function knownValue(s: string, from: number, to: number): string | undefined {
  const known = KNOWN_VALUES_BY_LENGTH[to - from];
  if (known !== undefined) {
    const value = s.substring(from, to);
    for (let k = 0; k < known.length; k++) if (known[k] === value) return known[k];
  }
  return undefined;
}

