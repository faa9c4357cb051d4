/**
 * The schemas every kind's device file entry starts from (main/config.ts reads the file; each kind's
 * descriptor adds its own fields): `deviceEntry('natnet', { commandPort: port.optional() })`.
 */
import { z } from 'zod';

const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'ids may use letters, digits and . _ : - only');
const label = z.string().min(1).max(200).optional();
const host = z.string().min(1).max(253);
/** false: the operator disconnected it from the window; it stays listed but is not connected at start. */
const enabled = z.boolean().optional();
/** The rate the device should run at, for the "under 90 %" alert; learned from the stream when absent. */
const expectedRateHz = z.number().finite().positive().max(100_000).optional();

export const port = z.number().int().min(1).max(65535);

/** A strict entry of one kind: the common fields, then the kind's own. */
export function deviceEntry<K extends string, S extends z.ZodRawShape>(kind: K, own: S) {
  return z.object({ id, kind: z.literal(kind), label, enabled, expectedRateHz, host, ...own }).strict();
}
