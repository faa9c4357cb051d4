/**
 * The contract's validators (zod), apart from api.ts so that the renderer, which only sends calls,
 * never bundles zod: its schemas compile with eval, which the renderer's CSP rightly forbids.
 * Main validates every call and every WebSocket message with these before anything acts on them;
 * the preload checks method names and params too.
 */
import { z } from 'zod';
import { deviceKinds } from './device-kinds';
import { knownPeerProblem, LSL_SCOPES, MAX_KNOWN_PEERS } from './api/preferences';

const deviceId = z.string().min(1).max(128);
const MAX_LAYOUT_JSON = 64 * 1024;
const takeName = z
  .string()
  .max(200)
  // Motive splits request arguments on commas and does not trim.
  .regex(/^[^,\u0000-\u001f]*$/, 'take names may not contain commas or control characters');

const deviceName = z.string().trim().min(1, 'a name is required').max(200);
/**
 * A kind the form can add, from the kinds this process knows (main: its registry). The preload is
 * told none, so it passes any name on and main, which knows the kinds, decides.
 */
const addableKind = z
  .string()
  .min(1)
  .max(32)
  .refine((kind) => {
    const known = deviceKinds();
    return known.length === 0 || known.some((k) => k.kind === kind && k.addable);
  }, 'not a kind of device this app can add');
const deviceForm = z
  .object({
    kind: addableKind,
    name: deviceName.optional(),
    address: z.string().max(400),
    expectedRateHz: z.number().finite().positive().max(100_000).optional(),
  })
  .strict();

/** The Preferences dialog's values (main/settings/preferences.ts applies them). */
export const PreferencesSchema = z
  .object({
    recordingFolder: z.string().min(1).max(4096).nullable(),
    theme: z.enum(['system', 'dark', 'light']),
    units: z.enum(['m', 'mm']),
    upAxis: z.enum(['y', 'z']),
    demoAtStart: z.boolean(),
    staleFramePeriods: z.number().int().min(2).max(100),
    rateFloorPercent: z.number().int().min(10).max(99),
    networkInterface: z.ipv4().nullable(),
    lslScope: z.enum(LSL_SCOPES),
    lslKnownPeers: z
      .array(
        z.string().superRefine((peer, ctx) => {
          const problem = knownPeerProblem(peer);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      )
      .max(MAX_KNOWN_PEERS),
    demoLsl: z.boolean(),
  })
  .strict();

export const RpcSchemas = {
  listDevices: { params: z.object({}).strict() },
  connectDevice: { params: z.object({ deviceId }).strict() },
  disconnectDevice: { params: z.object({ deviceId }).strict() },
  startRecording: { params: z.object({ deviceId, takeName: takeName.optional() }).strict() },
  stopRecording: { params: z.object({ deviceId }).strict() },
  getSession: { params: z.object({}).strict() },
  /** The one Record button: local recording + device-side recording under the session name. */
  startSession: {
    params: z
      .object({
        name: takeName.optional(),
        operator: z.string().max(200).optional(),
        remote: z.boolean().optional(),
      })
      .strict(),
  },
  stopSession: { params: z.object({}).strict() },
  sendOperatorEvent: {
    params: z
      .object({ text: z.string().min(1).max(500), source: z.enum(['text field', 'hotkey']).optional() })
      .strict(),
  },
  /** Plays a recording (an MCAP file main can read) as devices of kind 'playback'. */
  openRecording: { params: z.object({ path: z.string().min(1).max(4096) }).strict() },
  closeRecording: { params: z.object({}).strict() },
  playbackControl: {
    params: z.discriminatedUnion('action', [
      z.object({ action: z.literal('play') }).strict(),
      z.object({ action: z.literal('pause') }).strict(),
      z.object({ action: z.literal('seek'), positionNs: z.number().finite().min(0) }).strict(),
      z.object({ action: z.literal('speed'), speed: z.number().finite().min(0.05).max(20) }).strict(),
    ]),
  },
  /** A device's room → scene transform (VRPN: Z up or Y up), applied before poses reach the scene. */
  setTransform: {
    params: z
      .object({
        deviceId,
        transform: z
          .object({
            up: z.enum(['y', 'z']),
            scale: z.number().finite().positive().max(1000).optional(),
            offset: z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]).optional(),
          })
          .strict(),
      })
      .strict(),
  },
  /** The renderer tells how fast data reaches its store (arrival → store, ms), for the Health panel. */
  reportRendererStats: {
    params: z
      .object({
        fps: z.number().finite().min(0).max(1000),
        latencyP50Ms: z.number().finite().min(-1e6).max(1e6).nullable(),
        latencyP99Ms: z.number().finite().min(-1e6).max(1e6).nullable(),
      })
      .strict(),
  },
  recordingCommand: {
    params: z.object({ deviceId, action: z.enum(['start', 'stopAndSave', 'cancel']) }).strict(),
  },
  sendDeviceEvent: {
    params: z
      .object({
        deviceId,
        name: z
          .string()
          .trim()
          .min(1, 'an event needs a name')
          .max(256)
          .regex(/^[^\u0000-\u001f]*$/, 'event names may not contain control characters'),
        /**
         * When the operator asked for the event, host Unix ms (fractions allowed); the source puts it
         * on the device's clock. Absent: the device stamps the event's arrival.
         */
        hostTimeMs: z.number().finite().min(0).max(8.64e15).optional(),
      })
      .strict(),
  },
  /** The page's panel layout, kept in the settings file so it survives a restart. */
  getLayout: { params: z.object({}).strict() },
  saveLayout: {
    params: z
      .object({
        layout: z
          .record(z.string().max(64), z.unknown())
          .refine((v) => JSON.stringify(v).length <= MAX_LAYOUT_JSON, 'layout larger than 64 KiB')
          .nullable(),
      })
      .strict(),
  },
  /** Devices from the window (main/devices/): the address is checked per kind in main (device-address.ts). */
  addDevice: { params: deviceForm },
  editDevice: { params: deviceForm.extend({ deviceId }).strict() },
  renameDevice: { params: z.object({ deviceId, name: deviceName }).strict() },
  removeDevice: { params: z.object({ deviceId }).strict() },
  discoverDevices: { params: z.object({}).strict() },
  /** Alerts (main/devices/alert-rules.ts): acknowledge one; accept a device's current rate as its norm. */
  acknowledgeAlert: { params: z.object({ alertId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }).strict() },
  acceptRate: { params: z.object({ deviceId }).strict() },
  /** A panel in its own window on the same link (the app); headless answers opened: false (the page opens a tab). */
  openPanelWindow: { params: z.object({ panel: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/) }).strict() },
  getPreferences: { params: z.object({}).strict() },
  setPreferences: { params: z.object({ preferences: PreferencesSchema }).strict() },
  pickFolder: { params: z.object({}).strict() },
} as const;

export type RpcMethod = keyof typeof RpcSchemas;
export type RpcParams<M extends RpcMethod> = z.infer<(typeof RpcSchemas)[M]['params']>;
export const RPC_METHODS = Object.keys(RpcSchemas) as RpcMethod[];

/** Validates an untrusted RPC call; returns the typed params or a message saying what is wrong. */
export function validateRpc(
  method: unknown,
  params: unknown,
): { ok: true; method: RpcMethod; params: unknown } | { ok: false; error: string } {
  if (typeof method !== 'string' || !Object.hasOwn(RpcSchemas, method)) {
    return { ok: false, error: `unknown method ${JSON.stringify(String(method)).slice(0, 80)}` };
  }
  const m = method as RpcMethod;
  const parsed = RpcSchemas[m].params.safeParse(params ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: `${m}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'} ${i.message}`).join('; ')}`,
    };
  }
  return { ok: true, method: m, params: parsed.data };
}

export const WsClientMessageSchema = z.discriminatedUnion('t', [
  z
    .object({
      t: z.literal('rpc'),
      id: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31),
      method: z.string().max(64),
      params: z.unknown(),
    })
    .strict(),
  z.object({ t: z.literal('ack'), seq: z.number().int().min(0) }).strict(),
]);
