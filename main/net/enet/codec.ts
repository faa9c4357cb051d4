/**
 * ENet 1.3 wire format: pure bytes <-> typed datagrams, both directions (protocol notes,
 * docs/protocols/teleport-enet.md §B4). No sockets, no timers, no state: the host (host.ts) decides what a command
 * means for a peer.
 *
 * Every ENet field is big-endian (network order). A datagram is a 2-byte header (peer id, session,
 * flags), an optional 16-bit sent time, an optional CRC-32, then commands back to back, each with its
 * own fixed-size fields and, for the data commands, a payload whose length the command states.
 */
import { DecodeError } from '../byte-reader';

export const EnetCommandType = {
  Acknowledge: 1,
  Connect: 2,
  VerifyConnect: 3,
  Disconnect: 4,
  Ping: 5,
  SendReliable: 6,
  SendUnreliable: 7,
  SendFragment: 8,
  SendUnsequenced: 9,
  BandwidthLimit: 10,
  ThrottleConfigure: 11,
  SendUnreliableFragment: 12,
} as const;
export type EnetCommandTypeValue = (typeof EnetCommandType)[keyof typeof EnetCommandType];

export const ENET = {
  /** The peer id that means "no peer yet" (a CONNECT). */
  noPeerId: 0xfff,
  maxPeerId: 0xfff,
  flagAcknowledge: 0x80,
  flagUnsequenced: 0x40,
  headerFlagCompressed: 0x4000,
  headerFlagSentTime: 0x8000,
  sessionMask: 0x3000,
  sessionShift: 12,
  /** Channel id of connection-level commands. */
  connectionChannel: 0xff,
  minMtu: 576,
  maxMtu: 4096,
  defaultMtu: 1400,
  minWindowSize: 4096,
  maxWindowSize: 65536,
  minChannelCount: 1,
  maxChannelCount: 255,
  maxFragmentCount: 1024 * 1024,
  /** At most this many commands in one datagram. */
  maxCommandsPerDatagram: 32,
  headerBytesWithSentTime: 4,
  checksumBytes: 4,
} as const;

/** Size of each command's fixed part (4-byte command header included), by command number. */
export const COMMAND_SIZES: readonly number[] = [0, 8, 48, 44, 8, 4, 6, 8, 24, 8, 12, 16, 24];

interface CommandBase {
  /** Bit 7 of the command byte: the receiver must acknowledge it. */
  acknowledge: boolean;
  /** Bit 6: delivered outside any order. */
  unsequenced: boolean;
  channelId: number;
  reliableSequenceNumber: number;
}

export interface AcknowledgeCommand extends CommandBase {
  type: typeof EnetCommandType.Acknowledge;
  receivedReliableSequenceNumber: number;
  receivedSentTime: number;
}

export interface ConnectFields {
  outgoingPeerId: number;
  incomingSessionId: number;
  outgoingSessionId: number;
  mtu: number;
  windowSize: number;
  channelCount: number;
  incomingBandwidth: number;
  outgoingBandwidth: number;
  packetThrottleInterval: number;
  packetThrottleAcceleration: number;
  packetThrottleDeceleration: number;
  /** Opaque: the connector picks it, the listener echoes it. */
  connectId: number;
}

export interface ConnectCommand extends CommandBase, ConnectFields {
  type: typeof EnetCommandType.Connect;
  data: number;
}

export interface VerifyConnectCommand extends CommandBase, ConnectFields {
  type: typeof EnetCommandType.VerifyConnect;
}

export interface DisconnectCommand extends CommandBase {
  type: typeof EnetCommandType.Disconnect;
  data: number;
}

export interface PingCommand extends CommandBase {
  type: typeof EnetCommandType.Ping;
}

export interface SendReliableCommand extends CommandBase {
  type: typeof EnetCommandType.SendReliable;
  data: Uint8Array;
}

export interface SendUnreliableCommand extends CommandBase {
  type: typeof EnetCommandType.SendUnreliable;
  unreliableSequenceNumber: number;
  data: Uint8Array;
}

export interface SendFragmentCommand extends CommandBase {
  type: typeof EnetCommandType.SendFragment | typeof EnetCommandType.SendUnreliableFragment;
  startSequenceNumber: number;
  fragmentCount: number;
  fragmentNumber: number;
  totalLength: number;
  fragmentOffset: number;
  data: Uint8Array;
}

export interface SendUnsequencedCommand extends CommandBase {
  type: typeof EnetCommandType.SendUnsequenced;
  unsequencedGroup: number;
  data: Uint8Array;
}

export interface BandwidthLimitCommand extends CommandBase {
  type: typeof EnetCommandType.BandwidthLimit;
  incomingBandwidth: number;
  outgoingBandwidth: number;
}

export interface ThrottleConfigureCommand extends CommandBase {
  type: typeof EnetCommandType.ThrottleConfigure;
  packetThrottleInterval: number;
  packetThrottleAcceleration: number;
  packetThrottleDeceleration: number;
}

export type EnetCommand =
  | AcknowledgeCommand
  | ConnectCommand
  | VerifyConnectCommand
  | DisconnectCommand
  | PingCommand
  | SendReliableCommand
  | SendUnreliableCommand
  | SendFragmentCommand
  | SendUnsequencedCommand
  | BandwidthLimitCommand
  | ThrottleConfigureCommand;

export interface EnetDatagram {
  /** The receiver's index for the sender (0xFFF: none yet). */
  peerId: number;
  /** The receiver's incoming session, 0..3. */
  sessionId: number;
  compressed: boolean;
  /** Sender's ms clock & 0xFFFF; present when a command needs an acknowledgement. */
  sentTime?: number;
  commands: EnetCommand[];
}

export interface DecodeDatagramOptions {
  /** Both ends agreed on CRC-32: a 4-byte checksum follows the header. */
  checksum?: boolean;
  /** The connectID the checksum was computed with (0 before a connection exists). */
  checksumSeed?: (peerId: number) => number;
  /** Payload lengths above this are refused (the host's maximum packet size). */
  maxDataLength?: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, reflected), as ENet's enet_crc32 computes it before byte-swapping. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Bytes a command takes on the wire, payload included. */
export function commandWireSize(command: EnetCommand): number {
  const fixed = COMMAND_SIZES[command.type]!;
  return 'data' in command && command.data instanceof Uint8Array ? fixed + command.data.length : fixed;
}

/**
 * Decodes one datagram. Throws DecodeError for anything ENet itself would refuse: a truncated
 * header or command, an unknown command number, a payload running past the datagram, more than 32
 * commands, a bad checksum, or a compressed datagram (no compressor is negotiated by this build).
 * Payloads are views into `bytes`, not copies.
 */
export function decodeDatagram(bytes: Uint8Array, options: DecodeDatagramOptions = {}): EnetDatagram {
  const view = viewOf(bytes);
  const end = bytes.length;
  if (end < 2) throw new DecodeError('datagram shorter than the 2-byte header', 0);
  const word = view.getUint16(0);
  const peerId = word & 0x0fff;
  const sessionId = (word & ENET.sessionMask) >>> ENET.sessionShift;
  const compressed = (word & ENET.headerFlagCompressed) !== 0;
  let pos = 2;
  let sentTime: number | undefined;
  if (word & ENET.headerFlagSentTime) {
    if (end < 4) throw new DecodeError('datagram shorter than its sent-time header', 2);
    sentTime = view.getUint16(2);
    pos = 4;
  }
  if (options.checksum) {
    if (end < pos + 4) throw new DecodeError('datagram shorter than its checksum', pos);
    const stated = view.getUint32(pos);
    const seed = options.checksumSeed ? options.checksumSeed(peerId) : 0;
    const copy = bytes.slice();
    viewOf(copy).setUint32(pos, seed);
    if (crc32(copy) !== stated) throw new DecodeError('checksum mismatch', pos);
    pos += 4;
  }
  if (compressed) throw new DecodeError('compressed datagram (no compressor negotiated)', 0);
  const maxData = options.maxDataLength ?? 0xffff;
  const commands: EnetCommand[] = [];
  while (pos < end) {
    if (commands.length >= ENET.maxCommandsPerDatagram) throw new DecodeError('more than 32 commands', pos);
    if (end - pos < 4) throw new DecodeError(`truncated command header: ${end - pos} bytes left`, pos);
    const commandByte = view.getUint8(pos);
    const type = commandByte & 0x0f;
    const size = COMMAND_SIZES[type] ?? 0;
    if (size === 0) throw new DecodeError(`unknown command ${type}`, pos);
    if (end - pos < size) throw new DecodeError(`truncated command ${type}: need ${size}, ${end - pos} left`, pos);
    const base: CommandBase = {
      acknowledge: (commandByte & ENET.flagAcknowledge) !== 0,
      unsequenced: (commandByte & ENET.flagUnsequenced) !== 0,
      channelId: view.getUint8(pos + 1),
      reliableSequenceNumber: view.getUint16(pos + 2),
    };
    const at = pos;
    const f = pos + 4;
    pos += size;
    const payload = (length: number): Uint8Array => {
      if (length > maxData) throw new DecodeError(`payload of ${length} bytes over the ${maxData}-byte limit`, at);
      if (length > end - pos) throw new DecodeError(`payload of ${length} bytes runs past the datagram`, at);
      const data = bytes.subarray(pos, pos + length);
      pos += length;
      return data;
    };
    switch (type) {
      case EnetCommandType.Acknowledge:
        commands.push({
          ...base,
          type,
          receivedReliableSequenceNumber: view.getUint16(f),
          receivedSentTime: view.getUint16(f + 2),
        });
        break;
      case EnetCommandType.Connect:
      case EnetCommandType.VerifyConnect: {
        const fields: ConnectFields = {
          outgoingPeerId: view.getUint16(f),
          incomingSessionId: view.getUint8(f + 2),
          outgoingSessionId: view.getUint8(f + 3),
          mtu: view.getUint32(f + 4),
          windowSize: view.getUint32(f + 8),
          channelCount: view.getUint32(f + 12),
          incomingBandwidth: view.getUint32(f + 16),
          outgoingBandwidth: view.getUint32(f + 20),
          packetThrottleInterval: view.getUint32(f + 24),
          packetThrottleAcceleration: view.getUint32(f + 28),
          packetThrottleDeceleration: view.getUint32(f + 32),
          connectId: view.getUint32(f + 36),
        };
        if (type === EnetCommandType.Connect) {
          commands.push({ ...base, ...fields, type, data: view.getUint32(f + 40) });
        } else commands.push({ ...base, ...fields, type });
        break;
      }
      case EnetCommandType.Disconnect:
        commands.push({ ...base, type, data: view.getUint32(f) });
        break;
      case EnetCommandType.Ping:
        commands.push({ ...base, type });
        break;
      case EnetCommandType.SendReliable:
        commands.push({ ...base, type, data: payload(view.getUint16(f)) });
        break;
      case EnetCommandType.SendUnreliable: {
        const unreliableSequenceNumber = view.getUint16(f);
        commands.push({ ...base, type, unreliableSequenceNumber, data: payload(view.getUint16(f + 2)) });
        break;
      }
      case EnetCommandType.SendUnsequenced: {
        const unsequencedGroup = view.getUint16(f);
        commands.push({ ...base, type, unsequencedGroup, data: payload(view.getUint16(f + 2)) });
        break;
      }
      case EnetCommandType.SendFragment:
      case EnetCommandType.SendUnreliableFragment: {
        const startSequenceNumber = view.getUint16(f);
        const length = view.getUint16(f + 2);
        commands.push({
          ...base,
          type,
          startSequenceNumber,
          fragmentCount: view.getUint32(f + 4),
          fragmentNumber: view.getUint32(f + 8),
          totalLength: view.getUint32(f + 12),
          fragmentOffset: view.getUint32(f + 16),
          data: payload(length),
        });
        break;
      }
      case EnetCommandType.BandwidthLimit:
        commands.push({
          ...base,
          type,
          incomingBandwidth: view.getUint32(f),
          outgoingBandwidth: view.getUint32(f + 4),
        });
        break;
      case EnetCommandType.ThrottleConfigure:
        commands.push({
          ...base,
          type,
          packetThrottleInterval: view.getUint32(f),
          packetThrottleAcceleration: view.getUint32(f + 4),
          packetThrottleDeceleration: view.getUint32(f + 8),
        });
        break;
    }
  }
  return { peerId, sessionId, compressed, ...(sentTime === undefined ? {} : { sentTime }), commands };
}

/** Writes one command (fixed part and payload) at `offset`; returns the offset after it. */
export function writeCommand(bytes: Uint8Array, view: DataView, offset: number, command: EnetCommand): number {
  view.setUint8(
    offset,
    command.type | (command.acknowledge ? ENET.flagAcknowledge : 0) | (command.unsequenced ? ENET.flagUnsequenced : 0),
  );
  view.setUint8(offset + 1, command.channelId);
  view.setUint16(offset + 2, command.reliableSequenceNumber);
  const f = offset + 4;
  let data: Uint8Array | undefined;
  switch (command.type) {
    case EnetCommandType.Acknowledge:
      view.setUint16(f, command.receivedReliableSequenceNumber);
      view.setUint16(f + 2, command.receivedSentTime);
      break;
    case EnetCommandType.Connect:
    case EnetCommandType.VerifyConnect:
      view.setUint16(f, command.outgoingPeerId);
      view.setUint8(f + 2, command.incomingSessionId);
      view.setUint8(f + 3, command.outgoingSessionId);
      view.setUint32(f + 4, command.mtu);
      view.setUint32(f + 8, command.windowSize);
      view.setUint32(f + 12, command.channelCount);
      view.setUint32(f + 16, command.incomingBandwidth);
      view.setUint32(f + 20, command.outgoingBandwidth);
      view.setUint32(f + 24, command.packetThrottleInterval);
      view.setUint32(f + 28, command.packetThrottleAcceleration);
      view.setUint32(f + 32, command.packetThrottleDeceleration);
      view.setUint32(f + 36, command.connectId);
      if (command.type === EnetCommandType.Connect) view.setUint32(f + 40, command.data);
      break;
    case EnetCommandType.Disconnect:
      view.setUint32(f, command.data);
      break;
    case EnetCommandType.Ping:
      break;
    case EnetCommandType.SendReliable:
      view.setUint16(f, command.data.length);
      data = command.data;
      break;
    case EnetCommandType.SendUnreliable:
      view.setUint16(f, command.unreliableSequenceNumber);
      view.setUint16(f + 2, command.data.length);
      data = command.data;
      break;
    case EnetCommandType.SendUnsequenced:
      view.setUint16(f, command.unsequencedGroup);
      view.setUint16(f + 2, command.data.length);
      data = command.data;
      break;
    case EnetCommandType.SendFragment:
    case EnetCommandType.SendUnreliableFragment:
      view.setUint16(f, command.startSequenceNumber);
      view.setUint16(f + 2, command.data.length);
      view.setUint32(f + 4, command.fragmentCount);
      view.setUint32(f + 8, command.fragmentNumber);
      view.setUint32(f + 12, command.totalLength);
      view.setUint32(f + 16, command.fragmentOffset);
      data = command.data;
      break;
    case EnetCommandType.BandwidthLimit:
      view.setUint32(f, command.incomingBandwidth);
      view.setUint32(f + 4, command.outgoingBandwidth);
      break;
    case EnetCommandType.ThrottleConfigure:
      view.setUint32(f, command.packetThrottleInterval);
      view.setUint32(f + 4, command.packetThrottleAcceleration);
      view.setUint32(f + 8, command.packetThrottleDeceleration);
      break;
  }
  let next = offset + COMMAND_SIZES[command.type]!;
  if (data) {
    if (data.length > 0xffff) throw new RangeError(`ENet payload of ${data.length} bytes exceeds 65535`);
    bytes.set(data, next);
    next += data.length;
  }
  return next;
}

export interface EncodeDatagramOptions {
  /** Append a CRC-32 computed with this connectID in the checksum field (ENet's checksum option). */
  checksumSeed?: number;
}

/** Header size for a datagram: 2, or 4 with a sent time, plus 4 with a checksum. */
export function headerSize(withSentTime: boolean, withChecksum: boolean): number {
  return (withSentTime ? 4 : 2) + (withChecksum ? 4 : 0);
}

/** Encodes a datagram. The inverse of decodeDatagram for every datagram it accepts. */
export function encodeDatagram(datagram: EnetDatagram, options: EncodeDatagramOptions = {}): Uint8Array {
  if (datagram.commands.length > ENET.maxCommandsPerDatagram) throw new RangeError('more than 32 commands');
  const withChecksum = options.checksumSeed !== undefined;
  const head = headerSize(datagram.sentTime !== undefined, withChecksum);
  let size = head;
  for (const c of datagram.commands) size += commandWireSize(c);
  const bytes = new Uint8Array(size);
  const view = viewOf(bytes);
  let pos = head;
  for (const c of datagram.commands) pos = writeCommand(bytes, view, pos, c);
  finishHeader(bytes, view, datagram.peerId, datagram.sessionId, datagram.sentTime, options.checksumSeed);
  if (datagram.compressed) view.setUint16(0, view.getUint16(0) | ENET.headerFlagCompressed);
  return bytes;
}

/**
 * Writes the header into a buffer whose commands are already in place (the host builds datagrams
 * this way to avoid a copy), then the checksum over the whole datagram if asked.
 */
export function finishHeader(
  bytes: Uint8Array,
  view: DataView,
  peerId: number,
  sessionId: number,
  sentTime: number | undefined,
  checksumSeed: number | undefined,
): void {
  let word = (peerId & 0x0fff) | ((sessionId & 3) << ENET.sessionShift);
  let pos = 2;
  if (sentTime !== undefined) {
    word |= ENET.headerFlagSentTime;
    view.setUint16(2, sentTime & 0xffff);
    pos = 4;
  }
  view.setUint16(0, word);
  if (checksumSeed !== undefined) {
    view.setUint32(pos, checksumSeed >>> 0);
    view.setUint32(pos, crc32(bytes));
  }
}
