import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader, DecodeError, decodeUtf8 } from '../../main/net/byte-reader';
import { ByteWriter, utf8Length } from '../../main/net/byte-writer';

const bytes = (...b: number[]) => Uint8Array.from(b);

test('reads little-endian fields at unaligned offsets', () => {
  const r = new ByteReader(
    bytes(0xff, 0x01, 0x02, 0xfe, 0xff, 0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0xf0, 0x42),
  );
  assert.equal(r.u8(), 0xff);
  assert.equal(r.u16(), 0x0201);
  assert.equal(r.offset, 3);
  assert.equal(r.i16(), -2);
  assert.equal(r.u32(), 0x12345678);
  assert.equal(r.i32(), -1);
  assert.equal(r.f32(), 120);
  assert.equal(r.remaining, 0);
});

test('big-endian when asked (VRPN)', () => {
  const r = new ByteReader(bytes(0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 2, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0), {
    littleEndian: false,
  });
  assert.equal(r.u16(), 0x1234);
  assert.equal(r.u64(), 2 ** 32 + 2);
  assert.equal(r.f64(), 1);
  const le = new ByteReader(bytes(0, 0, 0, 1, 0, 0, 0, 2));
  assert.equal(le.u64(), 2 ** 24 + 2 ** 57);
});

test('u64 as a number is exact below 2^53; the bigint form is always exact', () => {
  const w = new ByteWriter(0);
  w.u64(2 ** 53 - 1);
  w.u64BigInt(0xfedcba9876543210n);
  w.u64(1416497730518);
  const r = new ByteReader(w.finish());
  assert.equal(r.u64(), 2 ** 53 - 1);
  const at = r.offset;
  assert.equal(r.u64BigInt(), 0xfedcba9876543210n);
  const again = new ByteReader(w.finish(), undefined, at);
  assert.equal(again.u64(), Number(0xfedcba9876543210n)); // nearest double
  assert.equal(new ByteReader(w.finish(), undefined, 16).u64(), 1416497730518);
});

test('a reader over a view into a larger buffer (pooled Buffer) reads its own bytes only', () => {
  const backing = bytes(9, 9, 9, 1, 0, 0, 0, 9, 9);
  const view = backing.subarray(3, 7);
  const r = new ByteReader(view);
  assert.equal(r.i32(), 1);
  assert.throws(() => r.u8(), DecodeError);
  const buf = Buffer.concat([Buffer.alloc(5, 7), Buffer.from([2, 0, 0, 0])]).subarray(5);
  assert.equal(new ByteReader(buf).u32(), 2);
});

test('every read past the end throws DecodeError (never RangeError) and does not move the cursor', () => {
  const reads: [string, (r: ByteReader) => unknown, number][] = [
    ['u8', (r) => r.u8(), 1],
    ['i8', (r) => r.i8(), 1],
    ['u16', (r) => r.u16(), 2],
    ['i16', (r) => r.i16(), 2],
    ['u32', (r) => r.u32(), 4],
    ['i32', (r) => r.i32(), 4],
    ['f32', (r) => r.f32(), 4],
    ['u64', (r) => r.u64(), 8],
    ['u64BigInt', (r) => r.u64BigInt(), 8],
    ['f64', (r) => r.f64(), 8],
    ['bytes', (r) => r.bytes(3), 3],
    ['subarray', (r) => r.subarray(3), 3],
    ['skip', (r) => r.skip(3), 3],
    ['fixedString', (r) => r.fixedString(4), 4],
  ];
  for (const [name, read, size] of reads) {
    for (let len = 0; len < size; len++) {
      const r = new ByteReader(new Uint8Array(len));
      assert.throws(
        () => read(r),
        (e: unknown) => e instanceof DecodeError && /truncated/.test(e.reason),
        `${name} on ${len}`,
      );
      assert.equal(r.offset, 0, `${name} moved the cursor`);
    }
    assert.doesNotThrow(() => read(new ByteReader(new Uint8Array(size))), name);
  }
});

test('cstring reads to the first NUL, and refuses a string without NUL inside its bound', () => {
  const r = new ByteReader(new TextEncoder().encode('abc\0\0déf\0xyz'));
  assert.equal(r.cstring(16), 'abc');
  assert.equal(r.cstring(16), '');
  assert.equal(r.cstring(16), 'déf');
  assert.throws(
    () => r.cstring(16, 'name'),
    (e: unknown) => e instanceof DecodeError && /unterminated name/.test(e.reason) && e.offset === 10,
  );
  assert.equal(r.offset, 10, 'a failed read leaves the cursor');
  // maxBytes counts the NUL: "abcd\0" needs 5.
  assert.equal(new ByteReader(new TextEncoder().encode('abcd\0')).cstring(5), 'abcd');
  assert.throws(() => new ByteReader(new TextEncoder().encode('abcd\0')).cstring(4), /longer than 3 bytes/);
});

test('fixedString takes exactly N bytes and stops the text at the first NUL inside them', () => {
  const field = new Uint8Array(8);
  field.set(new TextEncoder().encode('Motive'));
  field[7] = 0x69; // garbage after the NUL, as in real Motive server info
  const r = new ByteReader(Uint8Array.from([...field, 0x41, 0x42, 0x43, 0x44]));
  assert.equal(r.fixedString(8), 'Motive');
  assert.equal(r.offset, 8);
  assert.equal(r.fixedString(4), 'ABCD', 'a full field without NUL is the whole field');
});

test('bytes() copies, subarray() aliases', () => {
  const src = bytes(1, 2, 3, 4);
  const copy = new ByteReader(src).bytes(4);
  const alias = new ByteReader(src).subarray(4);
  src[0] = 99;
  assert.equal(copy[0], 1);
  assert.equal(alias[0], 99);
  assert.equal(copy.byteOffset, 0);
  assert.equal(copy.buffer.byteLength, 4);
});

test('count() refuses negative, over-limit and impossible counts before anything is allocated', () => {
  const withCount = (n: number, tail: number) => {
    const w = new ByteWriter(4 + tail);
    w.i32(n);
    w.zeros(tail);
    return new ByteReader(w.finish());
  };
  assert.equal(withCount(3, 36).count(10, 12, 'marker'), 3);
  assert.equal(withCount(0, 0).count(10, 12, 'marker'), 0);
  const cases: [number, number, RegExp][] = [
    [-1, 100, /negative marker count -1/],
    [-(2 ** 31), 100, /negative/],
    [11, 1000, /marker count 11 exceeds the limit 10/],
    [2 ** 31 - 1, 100, /exceeds the limit/],
    [4, 36, /marker count 4 needs at least 48 bytes, 36 left/],
  ];
  for (const [n, tail, re] of cases) {
    assert.throws(
      () => withCount(n, tail).count(10, 12, 'marker'),
      (e: unknown) => e instanceof DecodeError && re.test(e.reason) && e.offset === 0,
      String(n),
    );
  }
  // With no limit worth the name, the remaining-bytes check still stops a 2^31 count.
  assert.throws(() => withCount(2 ** 31 - 1, 8).count(Number.MAX_SAFE_INTEGER, 1, 'x'), /needs at least/);
});

test('pushLimit confines reads to a section; popLimit requires it consumed exactly', () => {
  const r = new ByteReader(bytes(1, 2, 3, 4, 5, 6));
  const saved = r.pushLimit(2);
  assert.equal(r.remaining, 2);
  assert.throws(() => r.u32(), DecodeError);
  assert.throws(() => r.popLimit(saved, 'list'), /list has 2 bytes left over/);
  assert.equal(r.u16(), 0x0201);
  r.popLimit(saved);
  assert.equal(r.remaining, 4);
  assert.throws(() => r.pushLimit(5), /exceeds the 4 bytes left/);
  assert.throws(() => r.pushLimit(-1), DecodeError);
  assert.throws(() => r.expectEnd('frame'), /4 unexpected bytes after frame/);
  r.skip(4);
  r.expectEnd();
  // A window given at construction is a hard limit too.
  const windowed = new ByteReader(bytes(1, 2, 3, 4), undefined, 1, 3);
  assert.equal(windowed.u16(), 0x0302);
  assert.throws(() => windowed.u8(), DecodeError);
  assert.throws(() => new ByteReader(bytes(1), undefined, 0, 2), RangeError);
});

test('DecodeError carries reason and offset; subclasses keep their own name', () => {
  class SubError extends DecodeError {}
  const e = new SubError('bad thing', 12);
  assert.ok(e instanceof DecodeError && e instanceof Error);
  assert.equal(e.reason, 'bad thing');
  assert.equal(e.offset, 12);
  assert.equal(e.message, 'bad thing (at byte 12)');
  assert.equal(e.name, 'SubError');
});

test('ByteWriter writes every type back as the reader reads it, in both byte orders', () => {
  for (const littleEndian of [true, false]) {
    const w = new ByteWriter(1, { littleEndian });
    w.u8(250);
    w.i8(-3);
    w.u16(0xbeef);
    w.i16(-12345);
    w.u32(0xdeadbeef);
    w.i32(-7);
    w.u64(2 ** 52 + 3);
    w.u64BigInt(2n ** 64n - 1n);
    w.f32(1.5);
    w.f64(Math.PI);
    w.cstring('héllo');
    w.fixedString('ab', 5);
    w.bytes(bytes(7, 8));
    const out = w.finish();
    const r = new ByteReader(out, { littleEndian });
    assert.equal(r.u8(), 250);
    assert.equal(r.i8(), -3);
    assert.equal(r.u16(), 0xbeef);
    assert.equal(r.i16(), -12345);
    assert.equal(r.u32(), 0xdeadbeef);
    assert.equal(r.i32(), -7);
    assert.equal(r.u64(), 2 ** 52 + 3);
    assert.equal(r.u64BigInt(), 2n ** 64n - 1n);
    assert.equal(r.f32(), 1.5);
    assert.equal(r.f64(), Math.PI);
    assert.equal(r.cstring(64), 'héllo');
    assert.equal(r.fixedString(5), 'ab');
    assert.deepEqual(r.bytes(2), bytes(7, 8));
    r.expectEnd();
  }
});

test('ByteWriter grows by doubling and hands back a buffer it owns entirely', () => {
  const w = new ByteWriter(0);
  for (let i = 0; i < 1000; i++) w.u32(i);
  const out = w.finish();
  assert.equal(out.length, 4000);
  assert.equal(out.byteOffset, 0);
  assert.equal(out.buffer.byteLength, 4000);
  const r = new ByteReader(out);
  for (let i = 0; i < 1000; i++) assert.equal(r.u32(), i);
  // Exactly pre-sized: no copy, same length.
  const exact = new ByteWriter(6);
  exact.u16(1);
  exact.i32(2);
  assert.equal(exact.finish().buffer.byteLength, 6);
  const patched = new ByteWriter(8);
  patched.i32(0);
  patched.u16(0);
  patched.patchI32(0, 77);
  patched.patchU16(4, 5);
  assert.deepEqual(patched.finish(), bytes(77, 0, 0, 0, 5, 0));
  assert.throws(() => patched.patchI32(4, 1), RangeError);
});

test('ByteWriter refuses what a reader could not read back', () => {
  const w = new ByteWriter();
  assert.throws(() => w.cstring('a\0b'), RangeError);
  assert.throws(() => w.fixedString('abcd', 4), /does not fit/);
  assert.throws(() => w.u64(-1), RangeError);
  assert.throws(() => w.u64(1.5), RangeError);
  assert.throws(() => w.u64(2 ** 64), RangeError);
});

test('utf8Length agrees with TextEncoder, and decodeUtf8 with TextDecoder', () => {
  const samples = ['', 'abc', 'ü', '€', '😀', 'a😀b', '\ud800', '\udc00x', 'x\ud83d', 'Ünïcödé ' + 'z'.repeat(70)];
  const enc = new TextEncoder();
  for (const s of samples) {
    const b = enc.encode(s);
    assert.equal(utf8Length(s), b.length, JSON.stringify(s));
    assert.equal(decodeUtf8(b, 0, b.length), new TextDecoder().decode(b));
  }
  assert.equal(decodeUtf8(bytes(0x41, 0x42, 0x43), 1, 3), 'BC');
  assert.equal(decodeUtf8(bytes(0x41), 1, 1), '');
});
