/** The log file rotates by size, keeps a bounded number of old files, and a failed write never throws. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { RotatingLog } from '../../main/log/rotating-log';

const dir = mkdtempSync(join(tmpdir(), 'sightline-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('one line per event, timestamped and levelled, multi-line messages folded', () => {
  const log = new RotatingLog({ folder: join(dir, 'a'), now: () => new Date('2026-11-29T10:00:00.000Z') });
  log.info('Motive: streaming');
  log.error('first line\nsecond line');
  assert.equal(
    readFileSync(log.path, 'utf8'),
    '2026-11-29T10:00:00.000Z INFO  Motive: streaming\n2026-11-29T10:00:00.000Z ERROR first line ⏎ second line\n',
  );
});

test('rotates when the file would pass its size, keeping at most `keep` old files, newest first', () => {
  const log = new RotatingLog({ folder: join(dir, 'b'), maxBytes: 200, keep: 2 });
  for (let i = 0; i < 40; i++) log.info(`event ${String(i).padStart(3, '0')} ${'x'.repeat(20)}`);
  const files = log.files().map((f) => basename(f));
  assert.deepEqual(files, ['sightline.log', 'sightline.1.log', 'sightline.2.log']);
  for (const f of log.files()) assert.ok(readFileSync(f).length <= 200, `${f} within its size`);
  assert.match(readFileSync(log.path, 'utf8'), /event 039/);
  assert.doesNotMatch(readFileSync(log.files()[2]!, 'utf8'), /event 000/, 'the oldest lines were dropped');
  assert.equal(log.failedWrites, 0);
});

test('a log whose folder vanished counts failed writes and never throws', () => {
  const folder = join(dir, 'c');
  const log = new RotatingLog({ folder });
  log.info('before');
  rmSync(folder, { recursive: true });
  assert.doesNotThrow(() => log.warn('after'));
  assert.equal(log.failedWrites, 1);
});
