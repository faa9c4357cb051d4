/**
 * The e2e IPC stand-in carries structured-cloned values between the page and Node as text
 * (test/e2e/ipc/clone-wire.ts). Whatever structuredClone gives on one side must arrive equal on the
 * other: checked on arbitrary values (fast-check), and on the cases IPC payloads hit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeCloned, encodeCloned } from '../e2e/ipc/clone-wire';

const roundTrip = (value: unknown): unknown => decodeCloned(encodeCloned(structuredClone(value)));

/**
 * Node 20's deepStrictEqual calls two invalid Dates different (it compares their NaN times with ===),
 * so each invalid Date is swapped for a marker before comparing; every other value is left as it is.
 */
const INVALID_DATE = Symbol('invalid Date');
function comparable(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? INVALID_DATE : value;
  if (Array.isArray(value)) return value.map(comparable);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [comparable(k), comparable(v)]));
  if (value instanceof Set) return new Set([...value].map(comparable));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = comparable((value as Record<string, unknown>)[key]);
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

test('any cloneable value arrives as structuredClone made it', () => {
  fc.assert(
    fc.property(
      fc.anything({
        withBigInt: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withTypedArray: true,
        withSparseArray: false,
        withNullPrototype: false,
      }),
      (value) => {
        assert.deepStrictEqual(comparable(roundTrip(value)), comparable(structuredClone(value)));
      },
    ),
    { numRuns: 300 },
  );
});

test('the IPC cases: a subarray keeps its offset in a whole buffer, a Buffer is a Uint8Array, -0, NaN, undefined, an invalid Date', () => {
  const whole = new Float64Array([1, 2, 3, 4]);
  const [view, bytes, rest] = roundTrip([whole.subarray(1, 3), Buffer.from('hé'), { z: -0, n: NaN, u: undefined }]) as [
    Float64Array,
    Uint8Array,
    Record<string, unknown>,
  ];
  assert.equal(Object.prototype.toString.call(view), '[object Float64Array]');
  assert.deepEqual([view.byteOffset, view.length, view.buffer.byteLength, ...view], [8, 2, 32, 2, 3]);
  assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype, 'not a Buffer');
  assert.equal(Buffer.from(bytes).toString('utf8'), 'hé');
  assert.ok(Object.is(rest.z, -0) && Number.isNaN(rest.n) && 'u' in rest && rest.u === undefined);
  const [invalid, valid] = roundTrip([new Date(NaN), new Date(0)]) as Date[];
  assert.ok(Number.isNaN(invalid!.getTime()), `an invalid Date arrived as ${String(invalid)}`);
  assert.equal(valid!.getTime(), 0);
  const proto = roundTrip(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  assert.deepEqual(Object.keys(proto), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(
    () =>
      encodeCloned(
        (() => {
          const a: unknown[] = [];
          a.push(a);
          return a;
        })(),
      ),
    /cyclic/,
  );
});
