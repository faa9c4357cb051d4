// The link worker's entry (dist/renderer/link-worker.js). First, as in main.tsx: the contract builds
// zod schemas on load, and zod's eval probe would be a CSP violation here too.
import '../zod-without-eval';
import { runLinkWorker, type LinkWorkerScope } from './link-worker-core';

runLinkWorker(globalThis as unknown as LinkWorkerScope);
