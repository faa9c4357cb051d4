/** Reading recordings back in tests: every message decoded, in file order. */
import { mkdtempSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJsonMessage, scanRecording, type ScanResult } from '../../main/recording/mcap-reader';

export interface ReadMessage {
  topic: string;
  schema: string;
  logNs: bigint;
  publishNs: bigint;
  sequence: number;
  json: Record<string, unknown>;
}

export async function readRecording(path: string): Promise<{ scan: ScanResult; messages: ReadMessage[] }> {
  const messages: ReadMessage[] = [];
  const scan = await scanRecording(path, {
    onMessage: (m) => {
      messages.push({
        topic: m.channel.topic,
        schema: m.channel.schemaName,
        logNs: m.logTimeNs,
        publishNs: m.publishTimeNs,
        sequence: m.sequence,
        json: decodeJsonMessage(m) ?? {},
      });
    },
  });
  return { scan, messages };
}

/** A fresh folder under test-results/ (gitignored), so `npm test` leaves the tree clean. */
export function tempDir(prefix: string): string {
  const base = join(__dirname, '..', '..', 'test-results', 'recordings');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}
