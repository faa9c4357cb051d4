// The link worker's entry (dist/renderer/link-worker.js).
import { runLinkWorker, type LinkWorkerScope } from './link-worker-core';

runLinkWorker(globalThis as unknown as LinkWorkerScope);
