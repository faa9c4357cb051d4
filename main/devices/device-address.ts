/**
 * The add/edit form's address, per kind, to and from a device file entry (main/config.ts):
 *   Motive    host[:commandPort]        (command port 1510 unless given)
 *   Pupil     host[:port]               (the phone's HTTP port, 8080 unless given)
 *   VRPN      Device@host[:port]        (port 3883 unless given)
 *   Teleport  host[:discoveryPort]      (10600 unless given)
 * Pure: every problem comes back as a message for the form's field, never as an exception.
 */
import { isIP } from 'node:net';
import { DEVICE_ADDRESS_FORMS, type AddableKind } from '../../preload/api';
import { DeviceConfigSchema, type DeviceConfig } from '../config';

export interface DeviceForm {
  kind: AddableKind;
  name?: string;
  address: string;
  expectedRateHz?: number;
}

export type FormResult = { ok: true; config: DeviceConfig } | { ok: false; field: 'address' | 'name'; message: string };

/** RFC 1123 host names: labels of letters, digits and inner hyphens. */
const HOST_NAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** VRPN sender names: no '@' (it separates the host), ',' (it separates names), spaces or control characters. */
const VRPN_NAME = /^[^@,\s\u0000-\u001f]{1,95}$/;

export function kindName(kind: AddableKind): string {
  return DEVICE_ADDRESS_FORMS[kind].name;
}

/** host[:port] (IPv6 in brackets when a port follows) → parts, or what is wrong with it. */
export function parseHostPort(text: string): { host: string; port?: number } | { error: string } {
  const value = text.trim();
  if (!value) return { error: 'an address is required' };
  let host = value;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if ((value.match(/:/g) ?? []).length === 1) {
    [host, portText] = value.split(':') as [string, string];
  }
  if (isIP(host) === 0 && !HOST_NAME.test(host)) {
    return { error: `"${host.slice(0, 64)}" is not an IP address or a host name` };
  }
  if (/^\d+(\.\d+){3}$/.test(host) && isIP(host) === 0) return { error: `"${host}" is not a valid IPv4 address` };
  if (portText === undefined) return { host };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    return { error: `port "${portText.slice(0, 16)}" must be a number from 1 to 65535` };
  }
  return { host, port: Number(portText) };
}

/** A form as the operator filled it → a device file entry with the given id, or the field to fix. */
export function configFromForm(form: DeviceForm, id: string): FormResult {
  const bad = (message: string): FormResult => ({
    ok: false,
    field: 'address',
    message: `${message} (a ${kindName(form.kind)} address looks like ${DEVICE_ADDRESS_FORMS[form.kind].example})`,
  });
  let addressText = form.address;
  let vrpnDevices: string[] = [];
  if (form.kind === 'vrpn') {
    const at = form.address.trim().lastIndexOf('@');
    if (at <= 0) return bad('a VRPN address names the device before the host: Device@host');
    vrpnDevices = form.address.trim().slice(0, at).split(',');
    const wrong = vrpnDevices.find((d) => !VRPN_NAME.test(d));
    if (wrong !== undefined) return bad(`"${wrong.slice(0, 64)}" is not a VRPN device name`);
    addressText = form.address.trim().slice(at + 1);
  } else if (form.address.includes('@')) {
    return bad(`only VRPN addresses name a device with '@'`);
  }
  const parsed = parseHostPort(addressText);
  if ('error' in parsed) return bad(parsed.error);
  const name = form.name?.trim();
  const common = {
    id,
    ...(name ? { label: name } : {}),
    ...(form.expectedRateHz !== undefined ? { expectedRateHz: form.expectedRateHz } : {}),
    host: parsed.host,
  };
  const port = parsed.port;
  const entry: Record<string, unknown> =
    form.kind === 'natnet'
      ? { ...common, kind: 'natnet', ...(port ? { commandPort: port } : {}) }
      : form.kind === 'vrpn'
        ? { ...common, kind: 'vrpn', ...(port ? { port } : {}), trackers: vrpnDevices }
        : { ...common, kind: form.kind, ...(port ? { port } : {}) };
  const checked = DeviceConfigSchema.safeParse(entry);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return issue?.path[0] === 'label'
      ? { ok: false, field: 'name', message: `name: ${issue.message}` }
      : bad(issue ? `${issue.path.join('.')}: ${issue.message}` : 'not a valid device');
  }
  return { ok: true, config: checked.data };
}

/** A device file entry → what the form's address field shows (the inverse of configFromForm). */
export function addressOf(config: DeviceConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  switch (config.kind) {
    case 'natnet':
      return config.commandPort ? `${host}:${config.commandPort}` : host;
    case 'vrpn': {
      const at = config.port ? `${host}:${config.port}` : host;
      return config.trackers?.length ? `${config.trackers.join(',')}@${at}` : at;
    }
    case 'pupil':
    case 'teleport':
      return config.port ? `${host}:${config.port}` : host;
  }
}

/** A readable id not yet taken: "motive-192-168-1-20", then "-2", "-3"… */
export function newDeviceId(config: Pick<DeviceConfig, 'kind' | 'host'>, taken: (id: string) => boolean): string {
  const prefix = config.kind === 'natnet' ? 'motive' : config.kind;
  const slug = config.host
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  const base = slug ? `${prefix}-${slug}` : prefix;
  if (!taken(base)) return base;
  for (let i = 2; i < 10_000; i++) if (!taken(`${base}-${i}`)) return `${base}-${i}`;
  throw new Error('no free device id');
}
