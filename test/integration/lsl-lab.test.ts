/**
 * A lab across PCs, on one machine: an "acquisition" Sightline (headless, --lsl) publishes a device's
 * poses to LSL; an "operator" Sightline monitors that stream as a device of kind `lsl`. Both servers
 * run in this process (loopback only; LSL ports from the OS and the resolver aimed at them).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startHeadless } from '../../main/headless';
import type { AnalogSample } from '../../main/hub/source';
import { lslSourceFor } from '../../main/protocols/lsl';
import { FakeSource, waitFor } from '../helpers/fake-source';

test('acquisition Sightline publishes poses to LSL; operator Sightline monitors them as an lsl device', async (t) => {
  const root = join(mkdtempSync(join(tmpdir(), 'sightline-lsl-lab-')), 'renderer');
  mkdirSync(root);
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Sightline</title>');
  const motive = new FakeSource({ id: 'motive', label: 'Motive' });
  const acquisition = await startHeadless({
    staticRoot: root,
    sources: [{ source: motive }],
    log: () => {},
    lsl: { outlet: { bindAddress: '127.0.0.1', responderPort: null, dataPort: 0 } },
  });
  t.after(() => acquisition.close());
  await waitFor(() => acquisition.hub.get('motive')?.health.state === 'connected', 'the fake device to connect');
  motive.emit('catalog', {
    bodies: [
      { id: 1, name: 'Head' },
      { id: 2, name: 'Hand' },
    ],
  });
  motive.emitPoses(2);
  // The first sample opens the outlet; find its port through the acquisition side's publisher.
  const operator = await startHeadless({ staticRoot: root, sources: [], log: () => {} });
  t.after(() => operator.close());
  let port = 0;
  await waitFor(() => {
    motive.emitPoses(2);
    port = acquisition.lsl?.streams()[0]?.dataPort ?? 0;
    return port !== 0;
  }, 'the MoCap outlet');
  const source = lslSourceFor({ id: 'remote-motive', kind: 'lsl', host: '127.0.0.1', port, stream: 'Motive MoCap' });
  const got: AnalogSample[] = [];
  source.on('sample', (s) => s.kind === 'analog' && got.push(s));
  operator.hub.add(source);
  await operator.hub.connect('remote-motive');
  await waitFor(() => {
    motive.emitPoses(2);
    return got.length >= 3;
  }, 'poses through LSL');
  assert.equal(got[0]!.channels.length, 14);
  assert.deepEqual(got.at(-1)!.channels.slice(7, 10), [got.at(-1)!.channels[0], 1, 0]);
  const detail = operator.hub.source('remote-motive')!.status().detail as { labels: string[] };
  assert.deepEqual(detail.labels.slice(0, 3), ['Head_X', 'Head_Y', 'Head_Z']);
  assert.deepEqual(detail.labels.slice(7, 8), ['Hand_X']);
});
