/**
 * The recorder's worker thread: owns the recording file. Mapping, protobuf/JSON encoding, chunk
 * compression and file writes all happen here, so the thread that owns the device sockets only
 * hands samples over. It closes a chunk every `flushIntervalMs` at the latest (crash safety), and
 * reports progress and each batch done, which the main thread uses to shrink its hand-off queue.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openAppendFile } from './byte-sink';
import { compressionReady } from './compression';
import { RecordingCore, type CoreCommand, type CoreEvent, type CoreOptions } from './recording-core';

export interface WorkerStart extends CoreOptions {
  path: string;
  flushIntervalMs: number;
}

/** Worker → main, beyond the core's events. */
export type WorkerEvent =
  | CoreEvent
  | { t: 'ready' }
  /** A batch is done; its buffer comes back for the next batch (no allocation per batch on the sockets' thread). */
  | { t: 'ack'; doneBytes: number; buffer?: ArrayBuffer };

/** How often the main thread hears how far the worker is (counts, bytes written, queue). */
const PROGRESS_MS = 250;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('recorder-worker runs only as a worker thread');
  const start = workerData as WorkerStart;
  const post = (event: WorkerEvent): void => port.postMessage(event);
  let core: RecordingCore;
  try {
    await compressionReady();
    core = new RecordingCore(await openAppendFile(start.path), start.path, start, post);
  } catch (error) {
    post({ t: 'failed', message: (error as Error).message });
    return;
  }
  const flushTimer = setInterval(() => core.flush(), start.flushIntervalMs);
  // The live counts stay as fresh as before chunks grew to a second.
  const timer = setInterval(() => post({ t: 'progress', progress: core.progress() }), PROGRESS_MS);
  // Commands are handled in order; only 'stop' awaits (the last writes), and nothing follows it.
  let chain = Promise.resolve();
  port.on('message', (command: CoreCommand) => {
    chain = chain.then(async () => {
      await core.handle(command);
      if (command.t === 'packed') {
        // Nothing refers to the buffer once the batch is handled (messages are copied into the chunk).
        const { buffer } = command.batch;
        port.postMessage({ t: 'ack', doneBytes: core.handedBytes(), buffer } satisfies WorkerEvent, [buffer]);
      }
      if (command.t === 'stop') {
        clearInterval(flushTimer);
        clearInterval(timer);
        port.close();
      }
    });
  });
  post({ t: 'ready' });
}

void main();
