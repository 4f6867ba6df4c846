// RTSP header fields: names are case-insensitive, a name may repeat, and the order of fields
// is kept as received so that a message serialized again looks like the original.

const TOKEN_CHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values may hold any visible character, SP and HTAB (and UTF-8 above 0x7F), never CR/LF.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_VALUE_CHAR = /[\u0000-\u0008\u000a-\u001f\u007f]/;

export function isToken(text: string): boolean {
  return TOKEN_CHAR.test(text);
}

function checkField(name: string, value: string): void {
  if (!isToken(name)) throw new TypeError(`invalid RTSP header name ${JSON.stringify(name)}`);
  if (FORBIDDEN_VALUE_CHAR.test(value)) {
    throw new TypeError(`RTSP header ${name} has a control character in its value`);
  }
}

export class RtspHeaders implements Iterable<[string, string]> {
  /** [original name, value, lower-case name] in wire order. */
  #fields: Array<[string, string, string]> = [];

  constructor(init?: Iterable<readonly [string, string]> | Record<string, string>) {
    if (init === undefined) return;
    const entries = Symbol.iterator in init ? init : Object.entries(init);
    for (const [name, value] of entries as Iterable<readonly [string, string]>) this.append(name, value);
  }

  get size(): number {
    return this.#fields.length;
  }

  /** First value of the field, or undefined. */
  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    return this.#fields.find((f) => f[2] === lower)?.[1];
  }

  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    return this.#fields.filter((f) => f[2] === lower).map((f) => f[1]);
  }

  has(name: string): boolean {
    const lower = name.toLowerCase();
    return this.#fields.some((f) => f[2] === lower);
  }

  append(name: string, value: string): this {
    checkField(name, value);
    this.#fields.push([name, value, name.toLowerCase()]);
    return this;
  }

  /** Replaces every field of this name by one, at the position of the first (or at the end). */
  set(name: string, value: string): this {
    checkField(name, value);
    const lower = name.toLowerCase();
    const at = this.#fields.findIndex((f) => f[2] === lower);
    if (at < 0) {
      this.#fields.push([name, value, lower]);
      return this;
    }
    this.#fields[at] = [name, value, lower];
    this.#fields = this.#fields.filter((f, i) => i <= at || f[2] !== lower);
    return this;
  }

  /** Removes every field of this name; true when there was one. */
  delete(name: string): boolean {
    const lower = name.toLowerCase();
    const before = this.#fields.length;
    this.#fields = this.#fields.filter((f) => f[2] !== lower);
    return this.#fields.length !== before;
  }

  /** [name as written, value] pairs in wire order. */
  *entries(): IterableIterator<[string, string]> {
    for (const [name, value] of this.#fields) yield [name, value];
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** Shows the fields in console.log / util.inspect output. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RtspHeaders ${JSON.stringify(this.#fields.map(([name, value]) => [name, value]))}`;
  }

  clone(): RtspHeaders {
    return new RtspHeaders(this.entries());
  }
}
