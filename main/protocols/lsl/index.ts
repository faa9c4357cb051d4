/** Lab Streaming Layer streams (any LSL outlet): the kind's descriptor (see ../descriptor.ts). */
import { z } from 'zod';
import { defineKind, type Endpoint, type SourceDefaults } from '../descriptor';
import { deviceEntry, port } from '../device-entry';
import { formatHostPort, hostPortFields } from '../host-port';
import { discoverLsl, probeLsl, simLsl } from './cli';
import { MULTICAST_PORT } from './messages';
import { MAX_QUERY_CHARS, queryLiteral } from './query';
import { resolveStreams, scopeTargets, type ResolveTarget } from './resolver';
import { isLoopbackPeer, LslSettingsSchema, lslLanTargets } from './settings';
import { LslSource } from './source';
import { startLslDemo } from './demo';

export const LslDeviceSchema = deviceEntry('lsl', {
  /** The stream's name (the address form's part before '@'). */
  stream: z.string().min(1).max(200),
  /** A full LSL query instead of the name (e.g. `source_id='amp-1234'`). */
  query: z.string().min(1).max(MAX_QUERY_CHARS).optional(),
  /** The port queries go to on host: LSL's 16571, or an outlet's service port. */
  port: port.optional(),
  localAddress: z.string().min(1).max(64).optional(),
});
export type LslDeviceConfig = z.infer<typeof LslDeviceSchema>;

/** Where an entry's queries go: host's responder (or the given port) and every LSL port of host. */
export function lslTargets(entry: Pick<LslDeviceConfig, 'host' | 'port'>): ResolveTarget[] {
  return [
    { address: entry.host, port: entry.port ?? MULTICAST_PORT },
    ...scopeTargets('machine', [entry.host]).slice(1),
  ];
}

function lslEntry(address: string): { fields: { host: string } & Record<string, unknown> } | { error: string } {
  const at = address.trim().lastIndexOf('@');
  if (at <= 0) return { error: 'an LSL address names the stream before the host: Stream@host' };
  const stream = address.trim().slice(0, at);
  if (stream.includes("'") && stream.includes('"')) return { error: 'a stream name cannot hold both quote kinds' };
  const made = hostPortFields(address.trim().slice(at + 1), 'port');
  return 'error' in made ? made : { fields: { ...made.fields, stream } };
}

export function lslSourceFor(entry: LslDeviceConfig, defaults: SourceDefaults = {}): LslSource {
  return new LslSource({
    id: entry.id,
    label: entry.label ?? `LSL ${entry.stream} @ ${entry.host}`,
    query: entry.query ?? `name=${queryLiteral(entry.stream)}`,
    targets: lslTargets(entry),
    bindAddress: entry.localAddress ?? defaults.networkInterface,
  });
}

export const lsl = defineKind({
  kind: 'lsl',
  name: 'LSL',
  label: 'Lab Streaming Layer stream',
  entry: LslDeviceSchema,
  form: {
    address: {
      address: 'Stream@host',
      example: 'EEG@192.168.1.50 or EEG@127.0.0.1:16572',
      namesDevices: true,
      check: { pattern: '@', message: 'an LSL address is Stream@host' },
    },
    defaultPort: MULTICAST_PORT,
    toEntry: lslEntry,
    addressOf: (entry) => `${entry.stream}@${formatHostPort(entry.host, entry.port)}`,
    fields: ['host', 'port', 'stream'],
  },
  createSource: lslSourceFor,
  discovery: {
    lan: lslLanTargets() as Endpoint[],
    // The operator's scope and known peers (settings.lsl); liblsl's defaults when unset or unusable.
    lanFor: (settings): Endpoint[] => lslLanTargets(LslSettingsSchema.safeParse(settings ?? {}).data),
    loopback: (extra): Endpoint[] => [{ address: '127.0.0.1', port: MULTICAST_PORT }, ...extra],
    // Demo mode asks the known peers that are this computer, on every LSL port, and nothing else.
    loopbackFor: (settings): Endpoint[] => {
      const peers = LslSettingsSchema.safeParse(settings ?? {}).data?.knownPeers ?? [];
      return scopeTargets('machine', peers.filter(isLoopbackPeer)).slice(1) as Endpoint[];
    },
    // From the lab interface: its subnet's broadcast instead of the global one, multicast as before.
    through: (targets, iface): Endpoint[] =>
      targets.map((t) => ({
        ...t,
        address: t.address === '255.255.255.255' ? iface.broadcast : t.address,
        localAddress: iface.address,
      })),
    scan: (targets, listenMs) => [
      {
        what: `LSL resolve on ${targets.length} address(es)`,
        run: async () =>
          (
            await resolveStreams({
              query: '',
              targets,
              timeoutMs: listenMs,
              bindAddress: targets.find((t) => t.localAddress)?.localAddress,
            })
          ).map((s) => ({
            kind: 'lsl',
            name: s.info.name,
            address: `${s.info.name}@${formatHostPort(s.address, s.info.v4servicePort)}`,
            detail: `${s.info.type || 'LSL'}, ${s.info.channelCount} × ${s.info.channelFormat}, ${s.info.nominalSrate ? `${s.info.nominalSrate} Hz` : 'irregular'}, on ${s.info.hostname}`,
            deviceId: s.info.sourceId || s.info.uid,
          })),
      },
    ],
    // A found stream already added under another address (its source_id, else its uid).
    identify: (source) => (source instanceof LslSource ? source.identity() : null),
  },
  demo: { key: 'lsl', optIn: true, start: startLslDemo },
  cli: {
    commands: { sim: simLsl, probe: probeLsl, discover: discoverLsl },
    usage: `  sim lsl [--host 127.0.0.1] [--channels 32] [--rate 500] [--name N] [--no-markers] [--responder-port 16571]
          [--data-port 16572…]
      run a simulated LSL outlet (EEG-like channels and a marker stream) until stopped
  probe lsl QUERY [--samples N] [--timeout MS] [--scope machine|link|site] [--peer HOST] [--port N] [--local ADDR]
      resolve QUERY (e.g. "name='EEG'"), print its info, then one JSON line per sample
  discover lsl [--query Q] [--timeout 1000] [--scope machine|link|site] [--peer HOST] [--port N] [--local ADDR]
      list the LSL streams that answer (machine scope unless told otherwise)`,
    summary: 'lsl (Lab Streaming Layer)',
    info: { status: 'supported', versions: ['1.10 (liblsl 1.16, 1.17)', '1.00 feeds'] },
  },
});
