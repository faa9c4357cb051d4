import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diskLine, lossCells } from '../../renderer/src/panels/recording-health';

test("the Recording panel's disk line: free space, then time left once a rate is known, and the warning", () => {
  assert.equal(diskLine({ freeBytes: 81.8e9, bytesPerSecond: 0, secondsLeft: null, low: false }), 'disk: 81.8 GB free');
  assert.equal(
    diskLine({ freeBytes: 81.8e9, bytesPerSecond: 0.9e6, secondsLeft: 90_888, low: false }),
    'disk: 81.8 GB free · 25.2 h left at 0.9 MB/s',
  );
  assert.equal(
    diskLine({ freeBytes: 300e6, bytesPerSecond: 1e6, secondsLeft: 300, low: true }),
    'disk: 300 MB free · 5 min left at 1.0 MB/s — less than 10 minutes!',
  );
  assert.equal(
    diskLine({ freeBytes: null, bytesPerSecond: 0, secondsLeft: null, low: false }),
    'disk: free space unknown',
  );
});

test('the four loss counters in order; kernel drops "n/a" where the OS does not say', () => {
  assert.deepEqual(lossCells({ frameGaps: 3, kernelDrops: null, handoffOverflows: 0, recorderLosses: 1 }), [
    '3',
    'n/a',
    '0',
    '1',
  ]);
});
