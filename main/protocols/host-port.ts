/**
 * The address forms the descriptors share: host[:port] (IPv6 in brackets when a port follows), read
 * from the Add-device form and written back to it. Pure: problems come back as messages.
 */
import { isIP } from 'node:net';

/** RFC 1123 host names: labels of letters, digits and inner hyphens. */
const HOST_NAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** host[:port] → parts, or what is wrong with it. */
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

/** host[:port] → the entry's host and, when given, its port under `portField`. */
export function hostPortFields(
  address: string,
  portField: string,
): { fields: { host: string } & Record<string, unknown> } | { error: string } {
  const parsed = parseHostPort(address);
  if ('error' in parsed) return parsed;
  return { fields: { host: parsed.host, ...(parsed.port ? { [portField]: parsed.port } : {}) } };
}

/** An entry's host and port → "host", "host:port" or "[v6]:port". */
export function formatHostPort(host: string, port: number | undefined): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return port ? `${shown}:${port}` : shown;
}
