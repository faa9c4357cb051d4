/**
 * The Companion's status components (protocol notes, docs/protocols/pupil.md §1.4): what `GET /api/status` lists
 * and the status WebSocket pushes one at a time, validated with zod, and the device model they keep
 * current. Unknown models are counted and dropped, as the official client does.
 */
import { z } from 'zod';

const str = z.string().max(1000);

export const PhoneSchema = z.looseObject({
  ip: str,
  port: z.number().int().optional(),
  device_id: str,
  device_name: str,
  battery_level: z.number(),
  battery_state: str,
  memory: z.number(),
  memory_state: str,
  time_echo_port: z.number().int().min(1).max(65535).optional(),
});

export const HardwareSchema = z.looseObject({
  version: str,
  glasses_serial: str.optional(),
  world_camera_serial: str.optional(),
  module_serial: str.optional(),
});

export const SensorSchema = z.looseObject({
  sensor: str,
  conn_type: str,
  protocol: str.optional(),
  ip: str.optional(),
  port: z.number().int().min(0).max(65535).optional(),
  params: str.optional(),
  connected: z.boolean(),
  stream_error: z.boolean().optional(),
});

export const RecordingSchema = z.looseObject({
  id: str,
  action: z.enum(['START', 'STOP', 'SAVE', 'DISCARD', 'ERROR']),
  rec_duration_ns: z.number(),
  message: str.optional(),
});

export const EventSchema = z.looseObject({
  name: str.nullish(),
  timestamp: z.number(),
  recording_id: str.nullish(),
});

export const NetworkDeviceSchema = z.looseObject({
  ip: str,
  device_id: str,
  device_name: str,
  connected: z.boolean(),
  port: z.number().int().optional(),
});

export type Phone = z.infer<typeof PhoneSchema>;
export type Hardware = z.infer<typeof HardwareSchema>;
export type Sensor = z.infer<typeof SensorSchema>;
export type Recording = z.infer<typeof RecordingSchema>;
export type PupilEvent = z.infer<typeof EventSchema>;
export type NetworkDevice = z.infer<typeof NetworkDeviceSchema>;

export type StatusComponent =
  | { model: 'Phone'; data: Phone }
  | { model: 'Hardware'; data: Hardware }
  | { model: 'Sensor'; data: Sensor }
  | { model: 'Recording'; data: Recording }
  | { model: 'Event'; data: PupilEvent }
  | { model: 'NetworkDevice'; data: NetworkDevice };

const schemas = {
  Phone: PhoneSchema,
  Hardware: HardwareSchema,
  Sensor: SensorSchema,
  Recording: RecordingSchema,
  Event: EventSchema,
  NetworkDevice: NetworkDeviceSchema,
} as const;

/** A component, or why not (unknown model, bad fields). Never throws. */
export function parseComponent(value: unknown): StatusComponent | { error: string; unknownModel?: string } {
  if (typeof value !== 'object' || value === null) return { error: 'status component is not an object' };
  const { model, data } = value as { model?: unknown; data?: unknown };
  if (typeof model !== 'string') return { error: 'status component without a model' };
  const schema = (schemas as Record<string, z.ZodType>)[model];
  if (!schema) return { error: `unknown status model ${JSON.stringify(model.slice(0, 40))}`, unknownModel: model };
  const parsed = schema.safeParse(data);
  if (!parsed.success) return { error: `bad ${model} component: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  return { model, data: parsed.data } as StatusComponent;
}

/** `DIRECT` RTSP URL of a sensor (python Sensor.url): rtsp://ip:port/?params. */
export function sensorUrl(s: Sensor, fallbackHost: string): string | undefined {
  if (!s.connected || s.port === undefined) return undefined;
  const host = s.ip && s.ip !== '0.0.0.0' ? s.ip : fallbackHost;
  const h = host.includes(':') ? `[${host}]` : host;
  return `rtsp://${h}:${s.port}/?${s.params ?? `camera=${s.sensor}`}`;
}

/** The device as its status messages describe it. */
export class CompanionModel {
  phone: Phone | undefined;
  hardware: Hardware | undefined;
  /** Keyed by `${sensor}/${conn_type}`. */
  readonly sensors = new Map<string, Sensor>();
  recording: (Recording & { receivedAtMs: number }) | undefined;
  lastEvent: PupilEvent | undefined;
  readonly networkDevices = new Map<string, NetworkDevice>();
  unknownComponents = 0;
  badComponents = 0;

  /**
   * Applies one component. Returns what changed, so a Sensor message that repeats the current
   * state does not restart its stream (the official simple client restarts on every one; docs/protocols/pupil.md §1.6).
   */
  apply(c: StatusComponent): { changed: boolean; sensorKey?: string } {
    switch (c.model) {
      case 'Phone':
        this.phone = c.data;
        return { changed: true };
      case 'Hardware':
        this.hardware = c.data;
        return { changed: true };
      case 'Sensor': {
        const key = `${c.data.sensor}/${c.data.conn_type}`;
        const before = this.sensors.get(key);
        this.sensors.set(key, c.data);
        const same =
          before !== undefined &&
          before.connected === c.data.connected &&
          before.ip === c.data.ip &&
          before.port === c.data.port &&
          before.params === c.data.params &&
          (before.stream_error ?? false) === (c.data.stream_error ?? false);
        return { changed: !same, sensorKey: key };
      }
      case 'Recording':
        this.recording = { ...c.data, receivedAtMs: Date.now() };
        return { changed: true };
      case 'Event':
        this.lastEvent = c.data;
        return { changed: true };
      case 'NetworkDevice':
        this.networkDevices.set(c.data.device_id, c.data);
        return { changed: true };
    }
  }

  directSensor(name: string): Sensor | undefined {
    return this.sensors.get(`${name}/DIRECT`);
  }

  /** Recording in progress (START or STOP seen last, i.e. not yet saved or discarded). */
  get isRecording(): boolean {
    return this.recording !== undefined && (this.recording.action === 'START' || this.recording.action === 'STOP');
  }

  /** "Neon" or "Pupil Invisible" from Hardware.version (python docs: 1 → Invisible, 2 → Neon). */
  get family(): 'Neon' | 'Pupil Invisible' | undefined {
    const v = this.hardware?.version;
    if (!v) return undefined;
    return v.startsWith('2') ? 'Neon' : v.startsWith('1') ? 'Pupil Invisible' : undefined;
  }
}
