/**
 * LSL stream info (docs/protocols/lsl.md §3): the typed fields, the short and full XML forms exactly as
 * liblsl writes them, and a validating reader. `desc` is kept as an XML tree (its content is free-form
 * metadata); helpers build the usual `channels/channel` layout.
 */
import { child, childText, parseXml, writeXml, xmlElement, XmlError, type XmlElement } from './xml';

export const CHANNEL_FORMATS = ['float32', 'double64', 'string', 'int32', 'int16', 'int8', 'int64'] as const;
export type ChannelFormat = (typeof CHANNEL_FORMATS)[number];

/** Bytes per value on the wire (strings are variable: 0 here). */
export const VALUE_SIZE: Record<ChannelFormat, number> = {
  float32: 4,
  double64: 8,
  string: 0,
  int32: 4,
  int16: 2,
  int8: 1,
  int64: 8,
};

/** Our cap on channels per stream: liblsl has none, but a sample must fit in memory. */
export const MAX_CHANNELS = 65_536;
/** Our cap on an info document (full info with a large desc stays far below this). */
export const MAX_INFO_CHARS = 1 << 20;

export interface StreamInfo {
  name: string;
  type: string;
  channelCount: number;
  channelFormat: ChannelFormat;
  sourceId: string;
  /** Samples per second; 0 = irregular. */
  nominalSrate: number;
  /** Protocol version × 100 (110 = 1.10). */
  version: number;
  /** The outlet's local clock when it was created, seconds. */
  createdAt: number;
  uid: string;
  sessionId: string;
  hostname: string;
  v4address: string;
  v4dataPort: number;
  v4servicePort: number;
  v6address: string;
  v6dataPort: number;
  v6servicePort: number;
  /** The `desc` element (children only matter). */
  desc: XmlElement;
}

/**
 * C++ `ostream << setprecision(16) << showpoint`, i.e. printf("%#.16g"): how liblsl writes its floating
 * point fields. JavaScript's toPrecision switches to exponents at different points, so do it by hand.
 */
export function formatLslDouble(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  if (v === 0) return '0.000000000000000';
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(16)))));
  if (exp < -4 || exp >= 16) {
    const [m, e] = v.toExponential(15).split('e') as [string, string];
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return v.toPrecision(16);
}

/** printf("%.16g") (no showpoint): how liblsl writes time-correction replies. */
export function formatG16(v: number): string {
  return String(Number(v.toPrecision(16)));
}

export function isChannelFormat(s: string): s is ChannelFormat {
  return (CHANNEL_FORMATS as readonly string[]).includes(s);
}

function infoElement(info: StreamInfo, desc: XmlElement): XmlElement {
  const t = (name: string, value: string | number) => xmlElement(name, String(value));
  return xmlElement('info', undefined, [
    t('name', info.name),
    t('type', info.type),
    t('channel_count', info.channelCount),
    t('channel_format', info.channelFormat),
    t('source_id', info.sourceId),
    t('nominal_srate', formatLslDouble(info.nominalSrate)),
    t('version', formatLslDouble(info.version / 100)),
    t('created_at', formatLslDouble(info.createdAt)),
    t('uid', info.uid),
    t('session_id', info.sessionId),
    t('hostname', info.hostname),
    t('v4address', info.v4address),
    t('v4data_port', info.v4dataPort),
    t('v4service_port', info.v4servicePort),
    t('v6address', info.v6address),
    t('v6data_port', info.v6dataPort),
    t('v6service_port', info.v6servicePort),
    desc,
  ]);
}

/** The short info: everything but `desc`'s content (resolver replies, the 1.00 feed header). */
export function shortInfoXml(info: StreamInfo): string {
  return writeXml(infoElement(info, xmlElement('desc')));
}

/** The full info (`LSL:fullinfo` answer). */
export function fullInfoXml(info: StreamInfo): string {
  const desc = info.desc.children.length ? info.desc : xmlElement('desc');
  return writeXml(infoElement(info, { ...desc, name: 'desc', text: undefined }));
}

/** The `<info>` element of a short or full info (for query matching). */
export function infoTree(info: StreamInfo): XmlElement {
  return infoElement(info, info.desc);
}

function intField(root: XmlElement, name: string, min: number, max: number): number {
  const text = childText(root, name).trim();
  if (!/^-?\d+$/.test(text))
    throw new XmlError(`info field ${name} is not an integer: ${JSON.stringify(text.slice(0, 32))}`);
  const v = Number(text);
  if (v < min || v > max) throw new XmlError(`info field ${name} = ${v} outside ${min}..${max}`);
  return v;
}

function numberField(root: XmlElement, name: string): number {
  const text = childText(root, name).trim();
  const v = Number(text);
  if (text === '' || !Number.isFinite(v))
    throw new XmlError(`info field ${name} is not a number: ${JSON.stringify(text.slice(0, 32))}`);
  return v;
}

/** Reads a short or full info document. Throws XmlError (with the reason) on anything invalid. */
export function parseStreamInfo(xml: string): StreamInfo {
  const root = parseXml(xml, { maxChars: MAX_INFO_CHARS, maxDepth: 32, maxElements: 50_000 });
  if (root.name !== 'info') throw new XmlError(`root element is <${root.name}>, not <info>`);
  const format = childText(root, 'channel_format').trim();
  if (!isChannelFormat(format)) throw new XmlError(`unknown channel format ${JSON.stringify(format.slice(0, 32))}`);
  const srate = numberField(root, 'nominal_srate');
  if (srate < 0) throw new XmlError('negative nominal_srate');
  const name = childText(root, 'name');
  if (name === '') throw new XmlError('stream without a name');
  return {
    name,
    type: childText(root, 'type'),
    channelCount: intField(root, 'channel_count', 0, MAX_CHANNELS),
    channelFormat: format,
    sourceId: childText(root, 'source_id'),
    nominalSrate: srate,
    version: Math.round(numberField(root, 'version') * 100),
    createdAt: numberField(root, 'created_at'),
    uid: childText(root, 'uid'),
    sessionId: childText(root, 'session_id'),
    hostname: childText(root, 'hostname'),
    v4address: childText(root, 'v4address'),
    v4dataPort: intField(root, 'v4data_port', 0, 65535),
    v4servicePort: intField(root, 'v4service_port', 0, 65535),
    v6address: childText(root, 'v6address'),
    v6dataPort: intField(root, 'v6data_port', 0, 65535),
    v6servicePort: intField(root, 'v6service_port', 0, 65535),
    desc: child(root, 'desc') ?? xmlElement('desc'),
  };
}

export interface ChannelDescription {
  label: string;
  unit?: string;
  type?: string;
  /** Further per-channel fields in order (e.g. XDF MoCap's `object`). */
  extra?: Record<string, string>;
}

/** `desc` with `channels/channel` entries (the XDF convention), plus any other top-level entries. */
export function channelsDesc(channels: ChannelDescription[], others: XmlElement[] = []): XmlElement {
  const list = channels.map((c) => {
    const fields = [xmlElement('label', c.label)];
    if (c.unit !== undefined) fields.push(xmlElement('unit', c.unit));
    if (c.type !== undefined) fields.push(xmlElement('type', c.type));
    for (const [k, v] of Object.entries(c.extra ?? {})) fields.push(xmlElement(k, v));
    return xmlElement('channel', undefined, fields);
  });
  return xmlElement('desc', undefined, [xmlElement('channels', undefined, list), ...others]);
}

/** The channel labels and units a desc declares (empty when it follows no convention). */
export function describedChannels(desc: XmlElement): ChannelDescription[] {
  const channels = child(desc, 'channels');
  if (!channels) return [];
  return channels.children
    .filter((c) => c.name === 'channel')
    .map((c) => {
      const d: ChannelDescription = { label: childText(c, 'label') };
      const unit = child(c, 'unit')?.text;
      const type = child(c, 'type')?.text;
      if (unit !== undefined) d.unit = unit;
      if (type !== undefined) d.type = type;
      return d;
    });
}
