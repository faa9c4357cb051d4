/**
 * Carries values that have already been through structuredClone between the page and the test
 * process, which talk only in JSON strings (a Playwright binding). Every type the structured clone
 * algorithm keeps and IPC payloads can hold survives: undefined, NaN, ±Infinity, -0, bigint, Date,
 * RegExp, Map, Set, Error (name and message), ArrayBuffer and every typed array / DataView with its
 * byte offset into a buffer cloned whole, as structuredClone does. Runs in both places (bundled into
 * the page by stand-in-script.ts), so it uses only what both have.
 *
 * Shared references and cycles, which structuredClone also keeps, are not: IPC payloads here are trees,
 * and a cycle is refused rather than looping.
 */

type Wire =
  | null
  | boolean
  | string
  | number
  | { $: 'u' }
  | { $: 'num'; v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { $: 'big'; v: string }
  | { $: 'arr'; v: Wire[] }
  | { $: 'obj'; v: Record<string, Wire> }
  | { $: 'date'; v: Wire }
  | { $: 're'; source: string; flags: string }
  | { $: 'map'; v: [Wire, Wire][] }
  | { $: 'set'; v: Wire[] }
  | { $: 'err'; name: string; message: string }
  | { $: 'ab'; b64: string }
  | { $: 'view'; type: string; b64: string; byteOffset: number; length: number };

const VIEW_TYPES: Record<string, new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView: DataView as unknown as new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView,
};

const MAX_DEPTH = 200;

export function encodeCloned(value: unknown): string {
  return JSON.stringify(toWire(value, 0, new Set()));
}

export function decodeCloned(text: string): unknown {
  return fromWire(JSON.parse(text) as Wire);
}

function toWire(value: unknown, depth: number, seen: Set<object>): Wire {
  if (depth > MAX_DEPTH) throw new Error('clone-wire: nested too deep');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value === undefined) return { $: 'u' };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $: 'num', v: 'NaN' };
    if (value === Infinity) return { $: 'num', v: 'Infinity' };
    if (value === -Infinity) return { $: 'num', v: '-Infinity' };
    if (Object.is(value, -0)) return { $: 'num', v: '-0' };
    return value;
  }
  if (typeof value === 'bigint') return { $: 'big', v: value.toString() };
  if (typeof value !== 'object') throw new Error(`clone-wire: ${typeof value} is not cloneable`);
  if (seen.has(value)) throw new Error('clone-wire: shared or cyclic references are not carried');
  seen.add(value);
  try {
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    if (tag === 'ArrayBuffer') return { $: 'ab', b64: toBase64(new Uint8Array(value as ArrayBuffer)) };
    if (ArrayBuffer.isView(value)) {
      const length = value instanceof DataView ? value.byteLength : (value as unknown as { length: number }).length;
      const buffer = new Uint8Array(value.buffer as ArrayBuffer);
      return { $: 'view', type: tag, b64: toBase64(buffer), byteOffset: value.byteOffset, length };
    }
    if (Array.isArray(value)) return { $: 'arr', v: value.map((item) => toWire(item, depth + 1, seen)) };
    // An invalid Date's time is NaN, which JSON would turn into null (the epoch): carried as a number.
    if (value instanceof Date) return { $: 'date', v: toWire(value.getTime(), depth + 1, seen) };
    if (value instanceof RegExp) return { $: 're', source: value.source, flags: value.flags };
    if (value instanceof Map) {
      return { $: 'map', v: [...value].map(([k, v]) => [toWire(k, depth + 1, seen), toWire(v, depth + 1, seen)]) };
    }
    if (value instanceof Set) return { $: 'set', v: [...value].map((item) => toWire(item, depth + 1, seen)) };
    if (value instanceof Error) return { $: 'err', name: value.name, message: value.message };
    const out: Record<string, Wire> = {};
    for (const key of Object.keys(value)) {
      const item = toWire((value as Record<string, unknown>)[key], depth + 1, seen);
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    return { $: 'obj', v: out };
  } finally {
    seen.delete(value);
  }
}

function fromWire(wire: Wire): unknown {
  if (wire === null || typeof wire !== 'object') return wire;
  switch (wire.$) {
    case 'u':
      return undefined;
    case 'num':
      return wire.v === '-0' ? -0 : Number(wire.v);
    case 'big':
      return BigInt(wire.v);
    case 'arr':
      return wire.v.map(fromWire);
    case 'obj': {
      const out: Record<string, unknown> = {};
      // defineProperty: a key named "__proto__" is an own property of a clone, not its prototype.
      for (const [key, item] of Object.entries(wire.v)) {
        Object.defineProperty(out, key, {
          value: fromWire(item),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'date':
      return new Date(fromWire(wire.v) as number);
    case 're':
      return new RegExp(wire.source, wire.flags);
    case 'map':
      return new Map(wire.v.map(([k, v]) => [fromWire(k), fromWire(v)]));
    case 'set':
      return new Set(wire.v.map(fromWire));
    case 'err': {
      const Kind = (globalThis as unknown as Record<string, ErrorConstructor | undefined>)[wire.name];
      const error =
        typeof Kind === 'function' && Kind.prototype instanceof Error
          ? new Kind(wire.message)
          : new Error(wire.message);
      return error;
    }
    case 'ab':
      return fromBase64(wire.b64).buffer;
    case 'view': {
      const View = VIEW_TYPES[wire.type];
      if (!View) throw new Error(`clone-wire: unknown view ${wire.type}`);
      return new View(fromBase64(wire.b64).buffer as ArrayBuffer, wire.byteOffset, wire.length);
    }
    default:
      throw new Error('clone-wire: unknown tag');
  }
}

// btoa/atob exist in the page and in Node (>= 16); chunked so a large buffer does not overflow the stack.
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(b64: string): Uint8Array {
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
