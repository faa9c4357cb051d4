/**
 * Teleport 2022 codec: byte offsets of the Setup per the 2022 reference code (not the seed's table),
 * both variants (with the 8-byte vtable prefix and without, told apart by length), the Handshake's
 * 50 + 8·N bytes, discovery, node commands, and hostile input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../main/net/byte-reader';
import {
  CommandType,
  decodeDiscoveryRequest,
  decodeDiscoveryResponse,
  decodeHandshake,
  decodeServerCommand,
  encodeDiscoveryRequest,
  encodeDiscoveryResponse,
  encodeHandshake,
  encodeServerCommand,
  SETUP_BYTES,
  variantOfSetup,
  type Handshake,
  type ServerCommand,
  type Setup,
} from '../../main/protocols/teleport/codec';
import { DEFAULT_VIDEO_CONFIG } from '../../main/protocols/teleport/simulator';

// Values exact in f32, so round trips compare equal.
const VIDEO = { ...DEFAULT_VIDEO_CONFIG, nearClipPlane: 0.125 };

const setup: Setup = {
  serverStreamingPort: 10502,
  serverHttpPort: 10501,
  debugStream: 1,
  doChecksums: 1,
  debugNetworkPackets: 0,
  requiredLatencyMs: 30,
  idleConnectionTimeoutMs: 13000,
  serverId: '18446744073709551557',
  controlModel: 2,
  videoConfig: { ...VIDEO, webcamOffsetX: -5 },
  drawDistance: 12.5,
  bodyOffsetFromHead: [0, -0.25, 0.5],
  axesStandard: 70,
  audioInputEnabled: true,
  usingSsl: false,
  startTimestampUnixMs: 1_650_000_000_123,
  backgroundMode: 3,
};

test('Setup: 198 bytes (206 with the vtable prefix), fields at the 2022 reference offsets', () => {
  const b = encodeServerCommand({ type: 'setup', setup }, '2022b');
  assert.equal(b.length, SETUP_BYTES);
  const a = encodeServerCommand({ type: 'setup', setup }, '2022a');
  assert.equal(a.length, SETUP_BYTES + 8);
  assert.deepEqual(a.subarray(8), b);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  assert.equal(v.getUint8(0), CommandType.Setup);
  assert.equal(v.getInt32(1, true), 10502);
  assert.equal(v.getInt32(5, true), 10501);
  assert.equal(v.getUint32(25, true), 13000); // idle_connection_timeout
  assert.equal(v.getBigUint64(29, true), 18446744073709551557n); // server id
  assert.equal(v.getUint32(37, true), 2); // ControlModel is 4 bytes
  assert.equal(v.getUint32(41, true), 3840); // VideoConfig starts at 41
  assert.equal(v.getFloat32(41 + 24, true), 110); // perspective_fov
  assert.equal(v.getInt32(41 + 40, true), -5); // webcam_offset_x
  assert.equal(v.getUint8(41 + 76), 2); // videoCodec: 1 byte, HEVC
  assert.equal(v.getInt32(41 + 77, true), 0); // specular_x
  assert.equal(v.getFloat32(170, true), 12.5); // draw_distance after the 129-byte VideoConfig
  assert.equal(v.getFloat32(178, true), -0.25); // bodyOffsetFromHead.y
  assert.equal(v.getUint8(186), 70); // axes standard
  assert.equal(v.getUint8(187), 1); // audio input
  assert.equal(v.getUint8(188), 0); // SSL
  assert.equal(v.getBigInt64(189, true), 1_650_000_000_123n); // start timestamp, UTC ms
  assert.equal(v.getUint8(197), 3); // backgroundMode (missing from the seed)
  for (const [bytes, variant] of [
    [a, '2022a'],
    [b, '2022b'],
  ] as const) {
    assert.equal(variantOfSetup(bytes), variant);
    assert.deepEqual(decodeServerCommand(bytes), { command: { type: 'setup', setup }, variant });
  }
  assert.equal(variantOfSetup(b.subarray(0, 197)), null);
});

const handshake: Handshake = {
  displayWidth: 1920,
  displayHeight: 1080,
  metresPerUnit: 1,
  fieldOfViewDegrees: 90,
  udpBufferSize: 0,
  maxBandwidthKbps: 0,
  axesStandard: 9,
  framerateHz: 60,
  usingHands: false,
  isVR: true,
  maxLightsSupported: 10,
  clientStreamingPort: 10503,
  minimumPriority: -1,
  renderingNormals: true,
  renderingAmbientOcclusion: false,
  resources: ['5', '18446744073709551615'],
};

test('Handshake: 50 + 8·N bytes, no prefix, count at 28, rendering features at 48', () => {
  const bytes = encodeHandshake(handshake);
  assert.equal(bytes.length, 50 + 16);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(v.getBigUint64(28, true), 2n);
  assert.equal(v.getUint32(40, true), 10503);
  assert.equal(v.getInt32(44, true), -1);
  assert.equal(v.getUint8(48), 1);
  assert.equal(v.getBigUint64(58, true), 18446744073709551615n);
  assert.deepEqual(decodeHandshake(bytes), handshake);
  assert.throws(() => decodeHandshake(bytes.subarray(0, 60)), DecodeError);
});

test('discovery: 4- and 8-byte requests, the 10-byte reply', () => {
  assert.deepEqual(decodeDiscoveryRequest(encodeDiscoveryRequest(0n, 4)), { clientId: 0n, width: 4 });
  assert.deepEqual(decodeDiscoveryRequest(encodeDiscoveryRequest(1n << 40n, 8)), { clientId: 1n << 40n, width: 8 });
  assert.throws(() => decodeDiscoveryRequest(new Uint8Array(6)), DecodeError);
  const reply = encodeDiscoveryResponse(0x1122334455667788n, 10500);
  assert.equal(reply.length, 10);
  assert.deepEqual([...reply.subarray(8)], [0x04, 0x29]);
  assert.deepEqual(decodeDiscoveryResponse(reply), { clientId: 0x1122334455667788n, servicePort: 10500 });
  assert.throws(() => decodeDiscoveryResponse(reply.subarray(0, 6)), DecodeError);
});

const COMMANDS: ServerCommand[] = [
  { type: 'shutdown' },
  { type: 'acknowledge-handshake', nodes: ['1', '2', '3'] },
  { type: 'reconfigure-video', videoConfig: VIDEO },
  {
    type: 'set-position',
    originPosition: [1, 2, 3],
    orientation: [0, 0, 0, 1],
    validCounter: '9',
    setRelativePosition: true,
    relativePosition: [0.5, 0, 0],
  },
  { type: 'node-bounds', show: ['7'], hide: ['8', '9'] },
  {
    type: 'node-movement',
    updates: [
      {
        timestampUnixMs: 1_650_000_000_000,
        isGlobal: true,
        nodeId: '42',
        position: [1, 2, 3],
        rotation: [0, 0.5, 0, 0.75],
        scale: [1, 1, 1],
        velocity: [0.25, 0, 0],
        angularVelocityAxis: [0, 1, 0],
        angularVelocityAngle: 0.5,
      },
    ],
  },
  { type: 'node-enabled', states: [{ nodeId: '3', enabled: false }] },
  { type: 'node-structure', nodeId: '3', parentId: '1', orientation: [0, 0, 0, 1], position: [0, 1, 0] },
  { type: 'other', commandType: CommandType.SetupLighting, name: 'SetupLighting', bytes: 12 },
];

const SIZES: Record<string, number> = {
  shutdown: 1,
  'acknowledge-handshake': 9 + 24,
  'reconfigure-video': 1 + 129,
  'set-position': 50,
  'node-bounds': 17 + 24,
  'node-movement': 9 + 85,
  'node-enabled': 9 + 9,
  'node-structure': 45,
};

test('node commands: sizes, both variants, round trips', () => {
  for (const command of COMMANDS) {
    for (const variant of ['2022a', '2022b'] as const) {
      const bytes = encodeServerCommand(command, variant);
      if (SIZES[command.type])
        assert.equal(bytes.length, SIZES[command.type]! + (variant === '2022a' ? 8 : 0), command.type);
      assert.deepEqual(decodeServerCommand(bytes, variant).command, command);
    }
  }
});

test('commands shorter than their type, with hostile counts, or of unknown type are refused', () => {
  for (const command of COMMANDS.slice(1, 8)) {
    const bytes = encodeServerCommand(command, '2022b');
    assert.throws(() => decodeServerCommand(bytes.subarray(0, bytes.length - 1), '2022b'), DecodeError, command.type);
  }
  const huge = encodeServerCommand({ type: 'node-movement', updates: [] }, '2022b');
  new DataView(huge.buffer, huge.byteOffset).setBigUint64(1, 1n << 40n, true);
  assert.throws(() => decodeServerCommand(huge, '2022b'), /exceeds the limit/);
  assert.throws(() => decodeServerCommand(new Uint8Array([0]), '2022b'), /unknown command type 0/);
  assert.throws(() => decodeServerCommand(new Uint8Array([200]), '2022b'), /unknown command type/);
  assert.throws(() => decodeServerCommand(new Uint8Array(0)), DecodeError);
});

test('property: arbitrary bytes decode or throw DecodeError, in either variant', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      for (const v of [undefined, '2022a', '2022b'] as const) {
        try {
          decodeServerCommand(bytes, v);
        } catch (e) {
          assert.ok(e instanceof DecodeError, String(e));
        }
      }
      try {
        decodeHandshake(bytes);
      } catch (e) {
        assert.ok(e instanceof DecodeError, String(e));
      }
    }),
    { numRuns: 2000 },
  );
});
