/**
 * Numbers for JSON messages, rounded to what the devices actually resolve: the text is 2–3× shorter
 * than a double's 17 digits, which is most of the recorder's cost at 1000 Hz × 100 bodies.
 * Positions: 1 µm (NatNet and VRPN send float32 metres: ~1 µm resolution at 10 m). Rotations and
 * normalised values: 1e-7 (float32's own resolution near 1).
 *
 * Long arrays (markers: a thousand or more per frame) go as base64 of little-endian float32 or int32
 * instead (JSON Schema `contentEncoding: base64`): encoding is native, and 5.3 characters a number.
 */
export function micro(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

export function fine(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}

/** A flat array (e.g. a Float32Array of xyz) rounded to 1 µm. */
export function microArray(values: ArrayLike<number>): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = micro(values[i]!);
  return out;
}

/** Base64 of little-endian float32s (the host is little-endian on every platform we ship). */
export function packF32(values: ArrayLike<number>): string {
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64');
}

export function packI32(values: ArrayLike<number>): string {
  const i32 = Int32Array.from(values);
  return Buffer.from(i32.buffer, i32.byteOffset, i32.byteLength).toString('base64');
}

export function unpackF32(text: unknown): Float32Array {
  if (typeof text !== 'string') return new Float32Array(0);
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.byteLength - (bytes.byteLength % 4));
  copy.set(bytes.subarray(0, copy.byteLength));
  return new Float32Array(copy.buffer);
}

export function unpackI32(text: unknown): Int32Array {
  const f = unpackF32(text);
  return new Int32Array(f.buffer);
}

/** The JSON Schema of a packed array field. */
export function packedField(kind: 'float32' | 'int32', description: string): object {
  return { type: 'string', contentEncoding: 'base64', description: `${description} (little-endian ${kind}s, base64)` };
}
