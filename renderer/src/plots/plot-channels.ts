/**
 * The numeric channels a plot can show, named by a path-like id so a saved plot survives a reload:
 *   pose/<device>/<body>/<x|y|z|roll|pitch|yaw|speed>   gaze/<device>/<x|y|worn>
 *   input/<device>/<input device>/<analog|dial>/<i>     device/<device>/<rate|offset>
 * Devices are named by their id (stable across restarts), not by the link's small handles. Pure.
 */

export const POSE_QUANTITIES = ['x', 'y', 'z', 'roll', 'pitch', 'yaw', 'speed'] as const;
export type PoseQuantity = (typeof POSE_QUANTITIES)[number];
export const GAZE_QUANTITIES = ['x', 'y', 'worn'] as const;
export type GazeQuantity = (typeof GAZE_QUANTITIES)[number];
export const DEVICE_QUANTITIES = ['rate', 'offset'] as const;
export type DeviceQuantity = (typeof DEVICE_QUANTITIES)[number];

export type Channel =
  | { kind: 'pose'; device: string; body: number; quantity: PoseQuantity }
  | { kind: 'gaze'; device: string; quantity: GazeQuantity }
  | { kind: 'input'; device: string; input: string; type: 'analog' | 'dial'; index: number }
  | { kind: 'device'; device: string; quantity: DeviceQuantity };

const enc = encodeURIComponent;

export function channelId(c: Channel): string {
  switch (c.kind) {
    case 'pose':
      return `pose/${enc(c.device)}/${c.body}/${c.quantity}`;
    case 'gaze':
      return `gaze/${enc(c.device)}/${c.quantity}`;
    case 'input':
      return `input/${enc(c.device)}/${enc(c.input)}/${c.type}/${c.index}`;
    case 'device':
      return `device/${enc(c.device)}/${c.quantity}`;
  }
}

function includes<T extends string>(list: readonly T[], v: string | undefined): v is T {
  return v !== undefined && (list as readonly string[]).includes(v);
}

function decode(s: string | undefined): string | null {
  if (s === undefined || s === '') return null;
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The channel an id names, or null for anything else (a hand-edited or older saved plot). */
export function parseChannel(id: string): Channel | null {
  const parts = id.split('/');
  const device = decode(parts[1]);
  if (device === null) return null;
  const int = (s: string | undefined) => (s !== undefined && /^-?\d{1,10}$/.test(s) ? Number(s) : null);
  switch (parts[0]) {
    case 'pose': {
      const body = int(parts[2]);
      return parts.length === 4 && body !== null && includes(POSE_QUANTITIES, parts[3])
        ? { kind: 'pose', device, body, quantity: parts[3] }
        : null;
    }
    case 'gaze':
      return parts.length === 3 && includes(GAZE_QUANTITIES, parts[2])
        ? { kind: 'gaze', device, quantity: parts[2] }
        : null;
    case 'input': {
      const input = decode(parts[2]);
      const index = int(parts[4]);
      const type = parts[3];
      return parts.length === 5 &&
        input !== null &&
        index !== null &&
        index >= 0 &&
        (type === 'analog' || type === 'dial')
        ? { kind: 'input', device, input, type, index }
        : null;
    }
    case 'device':
      return parts.length === 3 && includes(DEVICE_QUANTITIES, parts[2])
        ? { kind: 'device', device, quantity: parts[2] }
        : null;
    default:
      return null;
  }
}

/** The unit shown on the axis. */
export function channelUnit(c: Channel): string {
  switch (c.kind) {
    case 'pose':
      return c.quantity === 'speed'
        ? 'm/s'
        : c.quantity === 'roll' || c.quantity === 'pitch' || c.quantity === 'yaw'
          ? '°'
          : 'm';
    case 'gaze':
      return c.quantity === 'worn' ? '0/1' : 'frame (0–1)';
    case 'input':
      return c.type === 'dial' ? 'rev' : 'value';
    case 'device':
      return c.quantity === 'rate' ? 'Hz' : 'ms';
  }
}

const QUANTITY_NAMES: Record<string, string> = {
  roll: 'roll',
  pitch: 'pitch',
  yaw: 'yaw',
  speed: 'speed',
  worn: 'worn',
  rate: 'rate',
  offset: 'clock offset',
};

/** "Walker x", "Neon gaze y", "Tracker0 analog 2", "Motive rate". */
export function channelLabel(
  c: Channel,
  names: { device(id: string): string; body(device: string, body: number): string },
): string {
  const q = (s: string) => QUANTITY_NAMES[s] ?? s;
  switch (c.kind) {
    case 'pose':
      return `${names.body(c.device, c.body)} ${q(c.quantity)}`;
    case 'gaze':
      return `${names.device(c.device)} gaze ${q(c.quantity)}`;
    case 'input':
      return `${c.input} ${c.type} ${c.index}`;
    case 'device':
      return `${names.device(c.device)} ${q(c.quantity)}`;
  }
}

/**
 * Euler angles in degrees of a unit quaternion in the scene's Y-up frame, in the Y-X-Z order (three.js
 * 'YXZ'): yaw about the up axis (Y), then pitch about X, then roll about Z. A body turning about the
 * vertical shows as yaw alone, wrapping at ±180°.
 */
export function eulerDegrees(
  qx: number,
  qy: number,
  qz: number,
  qw: number,
): { roll: number; pitch: number; yaw: number } {
  const deg = 180 / Math.PI;
  const s = Math.max(-1, Math.min(1, 2 * (qw * qx - qy * qz)));
  const pitch = Math.asin(s);
  const yaw = Math.atan2(2 * (qx * qz + qw * qy), 1 - 2 * (qx * qx + qy * qy));
  const roll = Math.atan2(2 * (qx * qy + qw * qz), 1 - 2 * (qx * qx + qz * qz));
  return { roll: roll * deg, pitch: pitch * deg, yaw: yaw * deg };
}

/** Device kinds whose gaze the page receives (gaze sections): data, so a new kind is one entry. */
export const GAZE_KINDS: ReadonlySet<string> = new Set(['pupil']);
