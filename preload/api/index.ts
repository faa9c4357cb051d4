/**
 * THE CONTRACT between the main process and the renderer: every call, event and packed frame layout,
 * with the checks the renderer runs on what it receives. Imported by main/ (link, app), preload/ and renderer/; it must stay free of Node
 * and Electron imports so that all three bundles can include it. One file per domain in this folder;
 * this index is the contract as a whole, and what every other module imports.
 *
 * Two transports carry the same messages (main/link): Electron IPC, and a WebSocket in headless mode.
 *  - main → renderer: binary messages (packed pose and gaze batches, batch.ts; video access units,
 *    video.ts) and JSON LinkEvents (events.ts).
 *  - renderer → main: JSON RPC calls (rpc.ts; validated with zod in ../api-schemas.ts before anything
 *    acts on them) and batch acks.
 */

export * from './devices';
export * from './device-state';
export * from './teleport-status';
export * from './catalog';
export * from './recording';
export * from './inputs';
export * from './dashboard';
export * from './device-events';
export * from './preferences';
export * from './events';
export * from './rpc';
export * from './transport';
export * from './batch';
export * from './batch-pack';
export * from './batch-unpack';
export { BatchFormatError } from './bounds';
export * from './video';
