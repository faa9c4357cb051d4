/**
 * NTP timestamps (RFC 3550 §4: seconds since 1900 + a 32-bit binary fraction) <-> Unix ns.
 * BigInt inside so the 64-bit value loses nothing; a double out, like every host time here.
 * The NTP era wraps in 2036 (seconds back to 0): a small seconds value is read as era 1.
 */
const NTP_UNIX_OFFSET_S = 2_208_988_800n;
const ERA = 4_294_967_296n;
/** Seconds below this are taken as after the 2036 wrap (i.e. before 1968 is impossible here). */
const ERA1_BELOW = 2_147_483_648n;

export function ntpToUnixNs(seconds: number, fraction: number): number {
  let s = BigInt(seconds >>> 0);
  if (s < ERA1_BELOW) s += ERA;
  const ns = (s - NTP_UNIX_OFFSET_S) * 1_000_000_000n + ((BigInt(fraction >>> 0) * 1_000_000_000n) >> 32n);
  return Number(ns);
}

export function unixNsToNtp(unixNs: number): { seconds: number; fraction: number } {
  const ns = BigInt(Math.round(unixNs));
  const total = ns + NTP_UNIX_OFFSET_S * 1_000_000_000n;
  const seconds = total / 1_000_000_000n;
  const rest = total % 1_000_000_000n;
  return { seconds: Number(seconds % ERA), fraction: Number((rest << 32n) / 1_000_000_000n) };
}

/** The middle 32 bits of an NTP timestamp, as receiver reports quote the last SR (LSR). */
export function ntpMiddle32(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}
