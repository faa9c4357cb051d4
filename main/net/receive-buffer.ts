/**
 * Receive buffers sized for what a device sends. The kernel queues a UDP socket's datagrams in its
 * receive buffer (SO_RCVBUF) until the event loop reads them; while the loop is busy (a GC pause, a
 * burst of work, a slow disk somewhere) the queue must hold everything that arrives, or the kernel
 * drops datagrams (counted in /proc/net/udp, see udp-drops.ts).
 *
 * The rule, in one place for every protocol: a buffer holds `RECEIVE_BUDGET_S` of the device's
 * measured load, each datagram counted with the kernel's per-datagram bookkeeping, between a floor
 * and a ceiling. The load is measured on the socket itself (datagrams and bytes per window), so it
 * follows what the device really sends (NatNet's frame size × frame rate, VRPN's report rate, a
 * Pupil video's bitrate, a Teleport server's updates) without a per-protocol guess; the buffer only
 * grows. The OS may grant less than asked (Linux: net.core.rmem_max; macOS: kern.ipc.maxsockbuf):
 * that is said once per device, through `onReceiveBufferShort`, with the setting to raise.
 */
import type dgram from 'node:dgram';

/** Seconds of the device's data the kernel must hold while the event loop is busy. */
export const RECEIVE_BUDGET_S = 0.5;
/**
 * What the kernel charges a queued datagram beyond its payload (its sk_buff and shared info on
 * Linux, about 0.5–1 KiB; a driver's page fragment can charge more, which Linux's doubling of the
 * asked size covers). It is what makes 1000 small VRPN reports cost more than their bytes suggest.
 */
export const DATAGRAM_OVERHEAD_BYTES = 1024;
/** Asked for at least this much: cheap (the kernel charges only what is queued) and safe at connect. */
export const MIN_RECEIVE_BUFFER_BYTES = 1024 * 1024;
/** Never more than this per socket, whatever the measured load (a runaway peer must not pin memory). */
export const MAX_RECEIVE_BUFFER_BYTES = 32 * 1024 * 1024;
/** How often the load is measured. */
export const MEASURE_INTERVAL_MS = 250;

export interface ReceiveLoad {
  datagramsPerSecond: number;
  bytesPerSecond: number;
}

export interface ReceiveBufferSize {
  /** What the load needs: `RECEIVE_BUDGET_S` of it, overhead included (at most the ceiling). */
  needBytes: number;
  /** What to ask for: the need rounded up to a power of two (so it is re-asked rarely), floor and ceiling applied. */
  askBytes: number;
}

/** The sizing rule. */
export function receiveBufferFor(load: ReceiveLoad, budgetS = RECEIVE_BUDGET_S): ReceiveBufferSize {
  const perSecond =
    Math.max(0, load.bytesPerSecond || 0) + Math.max(0, load.datagramsPerSecond || 0) * DATAGRAM_OVERHEAD_BYTES;
  const needBytes = Math.min(MAX_RECEIVE_BUFFER_BYTES, Math.ceil(perSecond * Math.max(0, budgetS)));
  const power = needBytes <= 1 ? 1 : 2 ** Math.ceil(Math.log2(needBytes));
  const askBytes = Math.min(MAX_RECEIVE_BUFFER_BYTES, Math.max(MIN_RECEIVE_BUFFER_BYTES, power));
  return { needBytes, askBytes };
}

/** Less granted than the load needs. */
export interface ReceiveBufferShortfall {
  owner: string;
  needBytes: number;
  askedBytes: number;
  grantedBytes: number;
  message: string;
}

/** Says what was granted, what is needed and which setting caps it; the Hub puts the device's name in front. */
export function shortfallMessage(needBytes: number, grantedBytes: number): string {
  const cap =
    process.platform === 'linux'
      ? 'net.core.rmem_max'
      : process.platform === 'darwin'
        ? 'kern.ipc.maxsockbuf'
        : "the OS's socket buffer limit";
  return (
    `the OS granted a receive buffer of ${kib(grantedBytes)} where this device's rate needs ` +
    `${kib(needBytes)} (${RECEIVE_BUDGET_S} s of its data); datagrams may be dropped when the app is busy. ` +
    `Raise ${cap} (see the README, "Receive buffers")`
  );
}

function kib(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString('en')} KiB`;
}

type ShortListener = (shortfall: ReceiveBufferShortfall) => void;
const listeners = new Set<ShortListener>();
/** Owners already told about, so each device is told once per process. */
const told = new Set<string>();

/** Subscribes to shortfalls (the Hub turns them into a device notice); returns the unsubscribe. */
export function onReceiveBufferShort(listener: ShortListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Reads what the OS granted; null when the socket is closed. */
function grantedOf(socket: dgram.Socket): number | null {
  try {
    return socket.getRecvBufferSize();
  } catch {
    return null;
  }
}

/**
 * Keeps one socket's receive buffer sized for its measured load. Attached by openUdpSocket to every
 * socket a device reads (those given an owner); stops with the socket.
 *
 * The buffer grows from each short window (a heavy device is covered within a quarter of a second of
 * connecting), but whether the OS granted enough is judged on the last second's load: a sender
 * catching up after a stall of its own is then counted at its rate, not at its peak.
 */
export class ReceiveBufferSizer {
  private datagrams = 0;
  private bytes = 0;
  private windowStartMs = performance.now();
  /** The last second's windows. */
  private readonly recent: { datagrams: number; bytes: number; seconds: number }[] = [];
  private asked = 0;
  private granted: number | null = null;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly socket: dgram.Socket,
    private readonly owner: string,
  ) {
    const count = (msg: Buffer): void => {
      this.datagrams++;
      this.bytes += msg.length;
    };
    socket.on('message', count);
    this.timer = setInterval(() => this.measure(), MEASURE_INTERVAL_MS);
    this.timer.unref();
    socket.once('close', () => {
      clearInterval(this.timer);
      socket.off('message', count);
    });
    this.grow(receiveBufferFor({ datagramsPerSecond: 0, bytesPerSecond: 0 }).askBytes);
  }

  /** What was last asked for, bytes. */
  get askedBytes(): number {
    return this.asked;
  }

  /** A load the protocol knows before it is measured (e.g. a declared rate): grows the buffer now. */
  expect(load: ReceiveLoad): void {
    const size = receiveBufferFor(load);
    this.grow(size.askBytes);
    this.check(size.needBytes);
  }

  private measure(): void {
    const now = performance.now();
    const seconds = (now - this.windowStartMs) / 1000;
    if (seconds <= 0) return;
    const window = { datagrams: this.datagrams, bytes: this.bytes, seconds };
    this.datagrams = 0;
    this.bytes = 0;
    this.windowStartMs = now;
    this.recent.push(window);
    while (this.recent.length > Math.max(1, Math.round(1000 / MEASURE_INTERVAL_MS))) this.recent.shift();
    this.grow(receiveBufferFor(loadOf([window])).askBytes);
    this.check(receiveBufferFor(loadOf(this.recent)).needBytes);
  }

  private grow(askBytes: number): void {
    if (askBytes <= this.asked) return;
    this.asked = askBytes;
    try {
      this.socket.setRecvBufferSize(askBytes);
    } catch {
      // Closed, or the OS refused outright: the read-back says what there is.
    }
    this.granted = grantedOf(this.socket);
  }

  /** Says once per device when the OS granted less than the load needs. */
  private check(needBytes: number): void {
    const granted = this.granted;
    // Linux reports twice what it set (the other half is its bookkeeping), which the need already counts.
    if (granted === null || granted >= needBytes || told.has(this.owner)) return;
    told.add(this.owner);
    const shortfall: ReceiveBufferShortfall = {
      owner: this.owner,
      needBytes,
      askedBytes: this.asked,
      grantedBytes: granted,
      message: shortfallMessage(needBytes, granted),
    };
    for (const listener of listeners) listener(shortfall);
  }
}

function loadOf(windows: { datagrams: number; bytes: number; seconds: number }[]): ReceiveLoad {
  let datagrams = 0;
  let bytes = 0;
  let seconds = 0;
  for (const w of windows) {
    datagrams += w.datagrams;
    bytes += w.bytes;
    seconds += w.seconds;
  }
  return seconds > 0
    ? { datagramsPerSecond: datagrams / seconds, bytesPerSecond: bytes / seconds }
    : { datagramsPerSecond: 0, bytesPerSecond: 0 };
}
