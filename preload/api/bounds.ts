/** What unpacking main's binary messages (batches, video) throws, and the bound every count read passes. */

export class BatchFormatError extends Error {}

export function count(value: number | undefined, max: number, what: string): number {
  if (value === undefined || !Number.isInteger(value) || value < 0 || value > max) {
    throw new BatchFormatError(`bad ${what}: ${String(value)}`);
  }
  return value;
}
