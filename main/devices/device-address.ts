/**
 * The add/edit form's address to and from a device file entry (main/config.ts), for every kind through
 * its descriptor (main/protocols/<kind>/index.ts: what its address looks like, its default port).
 * Pure: every problem comes back as a message for the form's field, never as an exception.
 */
import { parseDeviceEntry, type DeviceConfig } from '../config';
import type { KindDescriptor } from '../protocols/descriptor';
import { kinds } from '../protocols/registry';

export { parseHostPort } from '../protocols/host-port';

export interface DeviceForm {
  kind: string;
  name?: string;
  address: string;
  expectedRateHz?: number;
}

export type FormResult = { ok: true; config: DeviceConfig } | { ok: false; field: 'address' | 'name'; message: string };

export function kindName(kind: string): string {
  return kinds().get(kind)?.name ?? kind;
}

/** The kind's descriptor, or a clear error for a kind this build does not have. */
export function descriptorOf(kind: string): KindDescriptor {
  const descriptor = kinds().get(kind);
  if (!descriptor) throw new Error(`unknown kind ${JSON.stringify(kind.slice(0, 32))}`);
  return descriptor;
}

/** "VRPN", or "VRPN or X": the kinds whose addresses name devices with '@'. */
function kindsNamingDevices(): string {
  const names = kinds()
    .all.filter((d) => d.form.address.namesDevices)
    .map((d) => d.name);
  return names.length ? names.join(' or ') : 'no';
}

/** A form as the operator filled it → a device file entry with the given id, or the field to fix. */
export function configFromForm(form: DeviceForm, id: string): FormResult {
  const descriptor = kinds().get(form.kind);
  if (!descriptor)
    return { ok: false, field: 'address', message: `unknown kind ${JSON.stringify(form.kind.slice(0, 32))}` };
  const bad = (message: string): FormResult => ({
    ok: false,
    field: 'address',
    message: `${message} (a ${descriptor.name} address looks like ${descriptor.form.address.example})`,
  });
  if (!descriptor.form.address.namesDevices && form.address.includes('@')) {
    return bad(`only ${kindsNamingDevices()} addresses name a device with '@'`);
  }
  const made = descriptor.form.toEntry(form.address);
  if ('error' in made) return bad(made.error);
  const name = form.name?.trim();
  const entry = {
    id,
    ...(name ? { label: name } : {}),
    ...(form.expectedRateHz !== undefined ? { expectedRateHz: form.expectedRateHz } : {}),
    ...made.fields,
    kind: descriptor.kind,
  };
  const checked = parseDeviceEntry(entry);
  if (!checked.ok) {
    const issue = checked.issues[0];
    return issue?.path[0] === 'label'
      ? { ok: false, field: 'name', message: `name: ${issue.message}` }
      : bad(issue ? `${issue.path.join('.')}: ${issue.message}` : 'not a valid device');
  }
  return { ok: true, config: checked.config };
}

/** A device file entry → what the form's address field shows (the inverse of configFromForm). */
export function addressOf(config: DeviceConfig): string {
  return descriptorOf(config.kind).form.addressOf(config);
}

/** A readable id not yet taken: "motive-192-168-1-20", then "-2", "-3"… */
export function newDeviceId(config: Pick<DeviceConfig, 'kind' | 'host'>, taken: (id: string) => boolean): string {
  const prefix = kinds().get(config.kind)?.form.idPrefix ?? config.kind;
  const slug = config.host
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  const base = slug ? `${prefix}-${slug}` : prefix;
  if (!taken(base)) return base;
  for (let i = 2; i < 10_000; i++) if (!taken(`${base}-${i}`)) return `${base}-${i}`;
  throw new Error('no free device id');
}
