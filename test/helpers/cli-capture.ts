/** Runs `sightline …` in-process and collects what it prints, line by line. */
import { Writable } from 'node:stream';
import type { CliIo } from '../../main/cli/output';

export function captureIo(): { io: CliIo; lines: string[]; err: () => string } {
  const lines: string[] = [];
  let errText = '';
  let partial = '';
  const io: CliIo = {
    out: new Writable({
      write(chunk: Buffer, _enc, cb) {
        partial += chunk.toString();
        const parts = partial.split('\n');
        partial = parts.pop()!;
        lines.push(...parts);
        cb();
      },
    }),
    err: new Writable({
      write(chunk: Buffer, _enc, cb) {
        errText += chunk.toString();
        cb();
      },
    }),
  };
  return { io, lines, err: () => errText };
}
