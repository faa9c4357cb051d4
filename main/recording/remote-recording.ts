/**
 * The device side of the one Record button: every connected device that can record (its Source has
 * `capabilities.recording`) is asked at once, in parallel, each with its own deadline, so that a
 * slow or failing device never holds up the others or the local recording. Each answer is
 * reported as it comes: started / stopped, refused (with the device's reason) or timed out.
 *
 * Operator events go the same way to every device with `capabilities.events`.
 */
import type { Hub } from '../hub/hub';
import { errorMessage } from '../hub/hub';
import type { RemoteRecordingEntry } from './session-summary';

export interface RemoteOptions {
  /** Per-device deadline, ms (default 5000). */
  timeoutMs?: number;
  /** Only these devices (default: every device that can). */
  deviceIds?: string[];
  /** Each device's answer as soon as it is known. */
  onAnswer?: (entry: RemoteRecordingEntry) => void;
}

const UP_STATES = new Set(['connected', 'streaming', 'stale']);

class Timeout extends Error {}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Timeout(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The devices a remote action goes to: up, able, and selected. */
function targets(hub: Hub, capability: 'recording' | 'events', deviceIds?: string[]): string[] {
  const wanted = deviceIds && deviceIds.length > 0 ? new Set(deviceIds) : null;
  return hub
    .snapshots()
    .filter((d) => d.capabilities[capability] && UP_STATES.has(d.health.state) && (!wanted || wanted.has(d.id)))
    .map((d) => d.id);
}

/** Starts (or stops) device-side recording on every able device; resolves when all answered or timed out. */
export async function remoteRecording(
  hub: Hub,
  action: 'start' | 'stop',
  takeName: string | null,
  options: RemoteOptions = {},
): Promise<RemoteRecordingEntry[]> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return Promise.all(
    targets(hub, 'recording', options.deviceIds).map(async (deviceId): Promise<RemoteRecordingEntry> => {
      const started = performance.now();
      const call =
        action === 'start' ? hub.startRecording(deviceId, takeName ?? undefined) : hub.stopRecording(deviceId);
      let entry: RemoteRecordingEntry;
      try {
        await withDeadline(call, timeoutMs);
        entry = outcome(deviceId, action, action === 'start' ? 'started' : 'stopped', takeName, null, started);
      } catch (error) {
        // The Hub's message names the device and the verb; keep the device's own reason.
        const reason = errorMessage(error).replace(/^.*?recording did not (start|stop): /, '');
        entry = outcome(
          deviceId,
          action,
          error instanceof Timeout ? 'timed out' : 'refused',
          takeName,
          reason,
          started,
        );
        // A late answer after the deadline is not an error for anyone to see.
        call.catch(() => {});
      }
      options.onAnswer?.(entry);
      return entry;
    }),
  );
}

function outcome(
  deviceId: string,
  action: 'start' | 'stop',
  result: RemoteRecordingEntry['outcome'],
  takeName: string | null,
  reason: string | null,
  startedMs: number,
): RemoteRecordingEntry {
  return {
    deviceId,
    action,
    outcome: result,
    takeName,
    reason,
    elapsedMs: Math.round((performance.now() - startedMs) * 10) / 10,
  };
}

export interface EventAnswer {
  deviceId: string;
  /** 'sent', or why not. */
  result: string;
}

/** Sends an operator event to every device that takes events, in parallel, each with a deadline. */
export async function broadcastEvent(
  hub: Hub,
  text: string,
  hostTimeNs: number,
  options: { timeoutMs?: number; deviceIds?: string[] } = {},
): Promise<EventAnswer[]> {
  const timeoutMs = options.timeoutMs ?? 3000;
  return Promise.all(
    targets(hub, 'events', options.deviceIds).map(async (deviceId): Promise<EventAnswer> => {
      const events = hub.source(deviceId)?.capabilities.events;
      if (!events) return { deviceId, result: 'no event capability' };
      try {
        // The source converts host time to its device's clock (Pupil: the phone's clock).
        const sending = Promise.resolve().then(() => events.send(text, hostTimeNs));
        sending.catch(() => {});
        await withDeadline(sending, timeoutMs);
        return { deviceId, result: 'sent' };
      } catch (error) {
        return { deviceId, result: error instanceof Timeout ? 'timed out' : `refused: ${errorMessage(error)}` };
      }
    }),
  );
}
