/**
 * RendererLink: what one renderer (a window, or a browser tab in headless mode) gets from the Hub, over
 * either transport. One contract, two transports (main/app/ipc.ts, main/link/ws-transport.ts).
 *
 * Pose batches are paced by credit and by a minimum interval, never by a free-running timer:
 *  - the latest PosesSample of each device is kept (older ones are coalesced away, but counted);
 *  - a batch goes out when a sample arrives, if no batch is unacknowledged and the previous one left at
 *    least minIntervalMs ago (~83 Hz: above any display rate, below the device rates that would
 *    otherwise flood the renderer). Sending on arrival, not on a timer, means the newest pose in every
 *    batch is as fresh as it can be: an idle renderer waits for nothing;
 *  - a sample held back by the interval goes out with the next sample after it, or at the latest
 *    holdMs after the previous batch if none comes (the stream paused or stopped);
 *  - at most one batch is ever unacknowledged. The renderer acks as soon as it has stored a batch, so
 *    a busy renderer (slow machine, software GL) slows the link down instead of queueing behind it;
 *  - if no ack comes for ackTimeoutMs (1 s), the batch is presumed lost and the next one is sent
 *    anyway: a lost ack cannot stall the link for good.
 *
 * Low-rate traffic is LinkEvents: 'devices' (the Hub's change events and its ~2 Hz health tick),
 * 'catalog' on change, 'notice' for errors; all replayed to a renderer that (re)connects.
 * RPC: every call is validated with validateRpc before the Hub sees it; answers never carry a stack.
 */
import type { PreferencesService } from '../settings/preferences';
import { validateRpc } from '../../preload/api-schemas';
import {
  packBatch,
  packVideoAccessUnit,
  type AppCommand,
  type LinkEvent,
  type PanelLayout,
  type PosesInput,
  type RpcMethod,
  type RpcParams,
  type RpcResponse,
  type RpcResults,
} from '../../preload/api';
import { hostTimeMs } from '../time/host-clock';
import { errorMessage, type CatalogEntry, type DeviceRef, type Hub, type Notice } from '../hub/hub';
import type { PosesSample, Sample, VideoSample } from '../hub/source';
import type { DeviceSnapshot, PlaybackState, SessionState } from '../../preload/api';
import type { PlaybackController } from '../recording/playback-controller';
import type { SessionController } from '../recording/session';
import { recordingCommand, sendDeviceEvent } from './device-commands';
import { GazeQueue } from './gaze-queue';
import { VideoGate, type VideoGateCounts } from './video-gate';
import { InputStates } from './input-state';
import type { Dashboard } from '../devices/dashboard';
import type { EventFeed } from './event-feed';
import { kinds } from '../protocols/registry';
import { PLAYBACK_KIND } from '../recording/playback';

/** Input state (buttons, analogs, dials) goes to the renderer at most this often, and only on change. */
const INPUTS_INTERVAL_MS = 100;

export type RpcHandler = (method: unknown, params: unknown) => Promise<RpcResponse>;

/** What a transport provides; the policy lives in RendererLink, not here. */
export interface LinkTransport {
  readonly isOpen: boolean;
  /** The buffer is owned whole by the callee after the call (packBatch allocates a fresh one). */
  sendBatch(buffer: Float64Array): void;
  /** One packed video access unit (packVideoAccessUnit), owned whole by the callee after the call. */
  sendVideo(message: Uint8Array): void;
  /** Bytes handed to the transport but not yet on their way (a WebSocket's bufferedAmount); 0 if unknown. */
  backlogBytes?(): number;
  sendEvent(event: LinkEvent): void;
  onRpc(handler: RpcHandler): void;
  onAck(handler: (seq: number) => void): void;
}

export interface RendererLinkOptions {
  /** Send the next batch anyway after this long without an ack (hidden window, lost ack). */
  ackTimeoutMs?: number;
  /** No two batches closer than this; default 12 ms. */
  minIntervalMs?: number;
  /** A held-back sample is sent at the latest this long after the previous batch; default 2 × minIntervalMs. */
  holdMs?: number;
  /** The Record button's session; without it the session calls answer that recording is not available. */
  session?: SessionController;
  /** Recordings played back; without it the playback calls answer that playback is not available. */
  playback?: PlaybackController;
  /** Video is dropped (to the next key frame) while the transport's backlog is above this. */
  maxVideoBacklogBytes?: number;
  /** Where the page's panel layout is kept (the settings file); without it the layout lives only in the page. */
  layouts?: LayoutKeeper;
  /** The device list, discovery, history and alerts (main/devices/); without it devices cannot be added. */
  dashboard?: Dashboard;
  /**
   * Opens a panel in its own window on the same link (the app's main process); without it the
   * page opens a browser tab on the same server itself (headless).
   */
  openPanelWindow?: (panel: string) => boolean;
  /** The Preferences dialog's values (main/settings/preferences.ts); without it the dialog says so. */
  preferences?: PreferencesService;
  /** The Events panel's rows (event-feed.ts), shared by every link; without it the panel stays empty. */
  events?: EventFeed;
}

export interface LayoutKeeper {
  layout(): PanelLayout | null;
  setLayout(layout: PanelLayout | null): void;
}

export interface RendererStats {
  fps: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  atMs: number;
}

export interface LinkStats {
  batchesSent: number;
  acks: number;
  /** Batches sent because the previous one went unacknowledged for ackTimeoutMs. */
  ackTimeouts: number;
  /** Pose samples replaced by a newer one of the same device before being sent. */
  samplesCoalesced: number;
  rpcCalls: number;
  rpcRejected: number;
  /** Gaze samples dropped because a device's queue was full (the renderer did not acknowledge). */
  gazeDropped: number;
  video: VideoGateCounts;
}

interface Pending {
  sample: PosesSample;
  /** Samples of this device since its last batch, the sent one included. */
  count: number;
}

export class RendererLink {
  private readonly pending = new Map<number, Pending>();
  private readonly gaze = new GazeQueue();
  private readonly video: VideoGate;
  private seq = 0;
  private inFlight: number | null = null;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private flushQueued = false;
  private closed = false;
  private readonly ackTimeoutMs: number;
  private readonly minIntervalMs: number;
  private readonly holdMs: number;
  private lastSentAt = -Infinity;
  private holdTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly detach: (() => void)[] = [];
  private rendererStats: RendererStats | null = null;
  private readonly session: SessionController | null;
  private readonly playback: PlaybackController | null;
  private readonly inputs = new InputStates();
  private inputsTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly layouts: LayoutKeeper | null;
  private readonly dashboard: Dashboard | null;
  private readonly openPanelWindow: ((panel: string) => boolean) | null;
  private readonly preferences: PreferencesService | null;
  private readonly events: EventFeed | null;
  private readonly counts: Omit<LinkStats, 'gazeDropped' | 'video'> = {
    batchesSent: 0,
    acks: 0,
    ackTimeouts: 0,
    samplesCoalesced: 0,
    rpcCalls: 0,
    rpcRejected: 0,
  };

  constructor(
    private readonly hub: Hub,
    private readonly transport: LinkTransport,
    options: RendererLinkOptions = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 1_000;
    this.minIntervalMs = options.minIntervalMs ?? 12;
    this.holdMs = options.holdMs ?? 2 * this.minIntervalMs;
    this.video = new VideoGate(options.maxVideoBacklogBytes);
    this.layouts = options.layouts ?? null;
    this.dashboard = options.dashboard ?? null;
    this.openPanelWindow = options.openPanelWindow ?? null;
    this.preferences = options.preferences ?? null;
    this.events = options.events ?? null;
    const onDevices = (devices: DeviceSnapshot[]): void => this.send({ type: 'devices', devices });
    const onCatalog = (c: CatalogEntry): void => this.send({ type: 'catalog', handle: c.handle, bodies: c.bodies });
    const onNotice = (n: Notice): void => this.send(n);
    hub.on('devices', onDevices);
    hub.on('catalog', onCatalog);
    hub.on('notice', onNotice);
    const session = options.session;
    if (session) {
      const onSession = (state: SessionState): void => this.send({ type: 'session', session: state });
      session.on('changed', onSession);
      this.detach.push(() => session.off('changed', onSession));
    }
    this.session = session ?? null;
    const playback = options.playback;
    if (playback) {
      const onPlayback = (state: PlaybackState | null): void => this.send({ type: 'playback', playback: state });
      playback.on('changed', onPlayback);
      this.detach.push(() => playback.off('changed', onPlayback));
    }
    this.playback = playback ?? null;
    this.detach.push(
      () => hub.off('devices', onDevices),
      () => hub.off('catalog', onCatalog),
      () => hub.off('notice', onNotice),
      hub.addSink((device, sample) => this.onSample(device, sample)),
    );
    if (this.dashboard) {
      const onDashboard = (event: LinkEvent): void => this.send(event);
      const dashboard = this.dashboard;
      dashboard.on('update', onDashboard);
      this.detach.push(() => dashboard.off('update', onDashboard));
    }
    if (this.events) {
      const onEvents = (event: LinkEvent): void => this.send(event);
      const events = this.events;
      events.on('batch', onEvents);
      this.detach.push(() => events.off('batch', onEvents));
    }
    transport.onAck((seq) => this.onAck(seq));
    transport.onRpc((method, params) => this.handleRpc(method, params));
    this.replay();
  }

  /**
   * Brings a renderer that just (re)loaded up to date: current devices, catalogs, recent notices and
   * the latest poses, and forgets any batch the previous page never acknowledged.
   */
  replay(): void {
    if (this.closed) return;
    this.clearInFlight();
    // A page that (re)loaded has a fresh decoder: its video starts at the next key frame.
    this.video.restart();
    // First, so the page can name every kind in what follows.
    this.send({ type: 'kinds', kinds: [...kinds().infos(), PLAYBACK_KIND] });
    this.send({ type: 'devices', devices: this.hub.snapshots() });
    for (const c of this.hub.catalogs()) this.send({ type: 'catalog', handle: c.handle, bodies: c.bodies });
    for (const n of this.hub.notices()) this.send(n);
    if (this.session) this.send({ type: 'session', session: this.session.state() });
    if (this.playback) this.send({ type: 'playback', playback: this.playback.state() });
    for (const e of this.inputs.all()) this.send(e);
    if (this.dashboard) this.send(this.dashboard.snapshot());
    if (this.events) this.send(this.events.snapshot());
    for (const { device, sample } of this.hub.latestPoses()) {
      if (!this.pending.has(device.handle)) this.pending.set(device.handle, { sample, count: 0 });
    }
    if (this.hasPending()) this.flush();
  }

  stats(): LinkStats {
    return { ...this.counts, gazeDropped: this.gaze.dropped, video: this.video.stats() };
  }

  /** The renderer's own measurements (reportRendererStats), for the Health panel and the bench. */
  lastRendererStats(): RendererStats | null {
    return this.rendererStats;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const d of this.detach) d();
    this.clearInFlight();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (this.inputsTimer) clearTimeout(this.inputsTimer);
    this.inputsTimer = null;
    this.pending.clear();
    this.gaze.clear();
  }

  // ------------------------------------------------------------------------------------------
  // Batches
  // ------------------------------------------------------------------------------------------

  private onSample(device: DeviceRef, sample: Sample): void {
    if (this.inputs.onSample(device.handle, sample)) this.sendInputsSoon();
    if (sample.kind === 'video') return this.sendVideo(device, sample);
    if (sample.kind === 'gaze') {
      this.gaze.push(device.handle, sample);
      return this.flushSoon();
    }
    if (sample.kind !== 'poses') return;
    const previous = this.pending.get(device.handle);
    if (previous) {
      previous.sample = sample;
      previous.count++;
      this.counts.samplesCoalesced++;
    } else {
      this.pending.set(device.handle, { sample, count: 1 });
    }
    this.flushSoon();
  }

  /** Sends now if credit and the interval allow; otherwise makes sure the held poses go by holdMs at the latest. */
  private flushSoon(now = false): void {
    if (this.inFlight !== null || this.flushQueued || !this.hasPending()) return;
    if (performance.now() - this.lastSentAt < this.minIntervalMs) {
      this.holdTimer ??= setTimeout(
        () => {
          this.holdTimer = null;
          if (this.inFlight === null) this.flush();
        },
        Math.max(0, this.lastSentAt + this.holdMs - performance.now()),
      );
      return;
    }
    if (now) {
      this.flush();
      return;
    }
    this.flushQueued = true;
    // A microtask, not a timer: samples of other devices decoded in the same task join this batch at no delay.
    queueMicrotask(() => {
      this.flushQueued = false;
      if (this.inFlight === null) this.flush();
    });
  }

  private onAck(seq: number): void {
    // Only the batch in flight counts: acks of batches given up on (ack timeout) or never sent are ignored.
    if (this.closed || this.inFlight === null || seq !== this.inFlight) return;
    this.counts.acks++;
    this.clearInFlight();
    // Samples waiting for this ack were gathered already: no microtask needed.
    this.flushSoon(true);
  }

  private flush(): void {
    if (this.closed || !this.hasPending() || !this.transport.isOpen) return;
    const poses: PosesInput[] = [];
    for (const [handle, { sample, count }] of this.pending) poses.push(toPosesInput(handle, sample, count));
    this.pending.clear();
    const gaze = this.gaze.take();
    const seq = ++this.seq;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    this.lastSentAt = performance.now();
    const batch = packBatch(seq, hostTimeMs(), poses, gaze);
    try {
      this.transport.sendBatch(batch);
    } catch {
      // A transport that failed mid-send is closing; its owner closes this link.
      return;
    }
    this.counts.batchesSent++;
    this.inFlight = seq;
    this.ackTimer = setTimeout(() => this.onAckTimeout(seq), this.ackTimeoutMs);
  }

  private hasPending(): boolean {
    return this.pending.size > 0 || this.gaze.size > 0;
  }

  /** Video goes as it comes, outside the batch credit, through the key-frame gate (video-gate.ts). */
  private sendVideo(device: DeviceRef, sample: VideoSample): void {
    if (this.closed) return;
    if (!this.transport.isOpen) {
      this.video.restart();
      return;
    }
    if (!this.video.admit(device.handle, sample.key, this.transport.backlogBytes?.() ?? 0)) return;
    // Gaze waiting for the batch interval goes first, if the link has credit: the renderer then has
    // the gaze of this frame's time when it draws the frame, instead of redrawing it a batch later.
    if (this.gaze.size > 0 && this.inFlight === null && !this.closed) this.flush();
    let message: Uint8Array;
    try {
      message = packVideoAccessUnit({
        handle: device.handle,
        key: sample.key,
        ptsUs: sample.ptsUs,
        hostTimeMs: sample.hostTimeNs / 1e6,
        deviceTimeMs: sample.deviceTimeNs === undefined ? null : sample.deviceTimeNs / 1e6,
        width: sample.width ?? 0,
        height: sample.height ?? 0,
        data: sample.data,
      });
      this.transport.sendVideo(message);
    } catch {
      // Too large to pack, or a transport failing mid-send: either way this unit is gone.
      this.video.lost(device.handle);
    }
  }

  private onAckTimeout(seq: number): void {
    this.ackTimer = null;
    if (this.inFlight !== seq) return;
    this.counts.ackTimeouts++;
    this.inFlight = null;
    this.flushSoon();
  }

  private clearInFlight(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    this.inFlight = null;
  }

  /** Input state is low-rate: changes within INPUTS_INTERVAL_MS go out together. */
  private sendInputsSoon(): void {
    if (this.inputsTimer || this.closed) return;
    this.inputsTimer = setTimeout(() => {
      this.inputsTimer = null;
      for (const e of this.inputs.takeChanged()) this.send(e);
    }, INPUTS_INTERVAL_MS);
  }

  /** Passes a menu command to the page (View › panels, Devices › Add…). */
  command(command: AppCommand): void {
    this.send({ type: 'app-command', command });
  }

  private send(event: LinkEvent): void {
    if (this.closed || !this.transport.isOpen) return;
    try {
      this.transport.sendEvent(event);
    } catch {
      // As in flush(): the transport's owner deals with a failing transport.
    }
  }

  // ------------------------------------------------------------------------------------------
  // RPC
  // ------------------------------------------------------------------------------------------

  async handleRpc(method: unknown, params: unknown): Promise<RpcResponse> {
    this.counts.rpcCalls++;
    const call = validateRpc(method, params);
    if (!call.ok) {
      this.counts.rpcRejected++;
      return { ok: false, error: call.error };
    }
    try {
      return { ok: true, value: await this.dispatch(call.method, call.params) };
    } catch (error) {
      return { ok: false, error: errorMessage(error) };
    }
  }

  private requireDashboard(): Dashboard {
    if (!this.dashboard) throw new Error('devices cannot be changed from this window');
    return this.dashboard;
  }

  private requireSession(): SessionController {
    return this.session ?? unavailable('recording');
  }

  private requirePlayback(): PlaybackController {
    return this.playback ?? unavailable('playback');
  }

  private async dispatch(method: RpcMethod, params: unknown): Promise<RpcResults[RpcMethod]> {
    switch (method) {
      case 'listDevices':
        return this.hub.snapshots();
      case 'connectDevice': {
        const { deviceId } = params as RpcParams<'connectDevice'>;
        await (this.dashboard ? this.dashboard.devices.connect(deviceId) : this.hub.connect(deviceId));
        return null;
      }
      case 'disconnectDevice': {
        const { deviceId } = params as RpcParams<'disconnectDevice'>;
        await (this.dashboard ? this.dashboard.devices.disconnect(deviceId) : this.hub.disconnect(deviceId));
        return null;
      }
      case 'addDevice':
        return this.requireDashboard().devices.add(params as RpcParams<'addDevice'>);
      case 'editDevice': {
        const { deviceId, ...form } = params as RpcParams<'editDevice'>;
        const dashboard = this.requireDashboard();
        dashboard.forget(deviceId);
        return dashboard.devices.edit(deviceId, form);
      }
      case 'renameDevice': {
        const p = params as RpcParams<'renameDevice'>;
        return this.requireDashboard().devices.rename(p.deviceId, p.name);
      }
      case 'removeDevice':
        await this.requireDashboard().devices.remove((params as RpcParams<'removeDevice'>).deviceId);
        return null;
      case 'discoverDevices': {
        const dashboard = this.requireDashboard();
        if (!dashboard.discovery) throw new Error('discovery is off in this mode');
        await dashboard.discovery.scan({ wide: true });
        return dashboard.snapshot().found;
      }
      case 'openPanelWindow': {
        const panel = (params as RpcParams<'openPanelWindow'>).panel;
        return { opened: this.openPanelWindow ? this.openPanelWindow(panel) : false };
      }
      case 'getPreferences':
        return (this.preferences ?? unavailable('preferences')).state();
      case 'setPreferences':
        return (this.preferences ?? unavailable('preferences')).set(
          (params as RpcParams<'setPreferences'>).preferences,
        );
      case 'pickFolder':
        return (this.preferences ?? unavailable('preferences')).pickFolder();
      case 'acknowledgeAlert':
        this.requireDashboard().acknowledgeAlert((params as RpcParams<'acknowledgeAlert'>).alertId);
        return null;
      case 'acceptRate':
        this.requireDashboard().acceptRate((params as RpcParams<'acceptRate'>).deviceId);
        return null;
      case 'startRecording': {
        const p = params as RpcParams<'startRecording'>;
        await this.hub.startRecording(p.deviceId, p.takeName);
        return null;
      }
      case 'stopRecording':
        await this.hub.stopRecording((params as RpcParams<'stopRecording'>).deviceId);
        return null;
      case 'setTransform': {
        const p = params as RpcParams<'setTransform'>;
        this.hub.setTransform(p.deviceId, p.transform);
        return null;
      }
      case 'reportRendererStats':
        this.rendererStats = { ...(params as RpcParams<'reportRendererStats'>), atMs: hostTimeMs() };
        return null;
      case 'getSession':
        return this.requireSession().state();
      case 'startSession':
        return this.requireSession().start(params as RpcParams<'startSession'>);
      case 'stopSession':
        return this.requireSession().stop();
      case 'sendOperatorEvent': {
        const p = params as RpcParams<'sendOperatorEvent'>;
        return this.requireSession().sendEvent(p.text, p.source ?? 'text field');
      }
      case 'openRecording':
        return this.requirePlayback().open((params as RpcParams<'openRecording'>).path);
      case 'closeRecording':
        await this.requirePlayback().close();
        return null;
      case 'playbackControl':
        return this.requirePlayback().control(params as RpcParams<'playbackControl'>);
      case 'recordingCommand':
        return recordingCommand(this.hub, params as RpcParams<'recordingCommand'>);
      case 'sendDeviceEvent':
        return sendDeviceEvent(this.hub, params as RpcParams<'sendDeviceEvent'>);
      case 'getLayout':
        return this.layouts?.layout() ?? null;
      case 'saveLayout':
        this.layouts?.setLayout((params as RpcParams<'saveLayout'>).layout);
        return null;
    }
  }
}

function unavailable(what: string): never {
  throw new Error(`${what} is not available in this window`);
}

function toPosesInput(handle: number, sample: PosesSample, count: number): PosesInput {
  return {
    handle,
    frameNumber: sample.frameNumber,
    hostTimeMs: sample.hostTimeNs / 1e6,
    deviceTimeMs: sample.deviceTimeNs === undefined ? undefined : sample.deviceTimeNs / 1e6,
    recording: sample.recording,
    samples: count,
    bodies: sample.bones?.length ? sample.bodies.concat(sample.bones) : sample.bodies,
    markers: sample.markers,
    markerFlags: sample.markerFlags,
  };
}
