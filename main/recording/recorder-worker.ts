/**
 * The recorder's worker thread: owns the recording file. Mapping, protobuf/JSON encoding, chunk
 * compression and file writes all happen here, so the thread that owns the device sockets only
 * hands samples over. It closes a chunk every `flushIntervalMs` (crash safety) and reports
 * progress, which the main thread also uses to shrink its hand-off queue.
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
  const timer = setInterval(() => {
    core.flush();
    post({ t: 'progress', progress: core.progress() });
  }, start.flushIntervalMs);
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
        clearInterval(timer);
        port.close();
      }
    });
  });
  post({ t: 'ready' });
}

void main();
