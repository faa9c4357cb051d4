/**
 * The Events panel's feed in main (main/link/event-feed.ts): rows from every device's event samples
 * and the session's notes, batched at most once per interval with a bounded batch (the oldest waiting
 * rows give way, counted), a bounded history for a page that connects, and the contract's check of
 * what reaches the page.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { readDeviceEventsEvent, type DeviceEventsEvent } from '../../preload/api';
import type { DeviceRef } from '../../main/hub/hub';
import { Hub } from '../../main/hub/hub';
import type { EventSample } from '../../main/hub/source';
import { EventFeed, rowOfNote, rowOfSample } from '../../main/link/event-feed';
import { RendererLink } from '../../main/link/renderer-link';
import { PlaybackController } from '../../main/recording/playback-controller';
import { Recorder } from '../../main/recording/recorder';
import { FakeSource, waitFor } from '../helpers/fake-source';
import { tempDir } from '../helpers/recording';
import { FakeTransport, settle } from '../helpers/fake-transport';

const LSL: DeviceRef = { id: 'eeg-markers', handle: 3, kind: 'lsl', label: 'LSL Markers', simulated: false };
const VRPN: DeviceRef = { id: 'wand', handle: 4, kind: 'vrpn', label: 'Wand', simulated: false };

function marker(text: string, hostMs = 1_000_000): EventSample {
  return { kind: 'event', name: text, hostTimeNs: hostMs * 1e6, deviceTimeNs: (hostMs - 2) * 1e6 };
}

function nextBatch(feed: EventFeed): Promise<DeviceEventsEvent> {
  return once(feed, 'batch').then(([e]) => e as DeviceEventsEvent);
}

test('rows say who, when (host and device time) and what: LSL markers, VRPN buttons and dials, operator, recording', () => {
  assert.deepEqual(rowOfSample(LSL, marker('stimulus/1')), {
    atMs: 1_000_000,
    deviceTimeMs: 999_998,
    source: 'device',
    deviceId: 'eeg-markers',
    device: 'LSL Markers',
    text: 'stimulus/1',
    value: null,
  });
  const at = { hostTimeNs: 5e15 };
  const press = rowOfSample(VRPN, {
    kind: 'event',
    name: 'Wand0/button 2',
    value: 1,
    control: { device: 'Wand0', kind: 'button', index: 2 },
    ...at,
  });
  assert.deepEqual([press.text, press.value, press.deviceTimeMs], ['Wand0/button 2', 'pressed', null]);
  const dial = rowOfSample(VRPN, {
    kind: 'event',
    name: 'Wand0/dial 0',
    value: 0.25,
    control: { device: 'Wand0', kind: 'dial', index: 0 },
    ...at,
  });
  assert.equal(dial.value, '+0.25 rev');
  assert.equal(rowOfSample(VRPN, { kind: 'event', name: 'blink', value: 123.45678, ...at }).value, '123.4568');
  const long = rowOfSample(LSL, marker('x'.repeat(2000)));
  assert.equal(long.text.length, 500, 'clipped to the contract’s bound');
  assert.deepEqual(rowOfNote({ kind: 'operator', text: 'subject ready', source: 'hotkey', atNs: 2e15 }), {
    atMs: 2e9,
    deviceTimeMs: null,
    source: 'operator',
    deviceId: null,
    device: 'Operator',
    text: 'subject ready',
    value: 'hotkey',
  });
  assert.equal(rowOfNote({ kind: 'stopped', name: 'take-3', atNs: 2e15 }).text, 'recording stopped');
});

test('a burst of 1000 markers: one bounded batch of the newest, the rest counted as dropped', async () => {
  const feed = new EventFeed({ intervalMs: 100, maxPerBatch: 50 });
  try {
    const batch = nextBatch(feed);
    for (let i = 0; i < 1000; i++) feed.onSample(LSL, marker(`m${i}`));
    const first = await batch;
    assert.equal(first.rows.length, 50);
    assert.deepEqual(
      first.rows.map((r) => r.text),
      Array.from({ length: 50 }, (_, k) => `m${950 + k}`),
      'the newest, oldest first',
    );
    assert.equal(first.dropped, 950);
    assert.equal(first.replace, false);
    assert.deepEqual(feed.stats(), { rows: 1000, sent: 50, dropped: 950, batches: 1 });
    // Every row made is either sent or counted.
    assert.equal(feed.stats().sent + feed.stats().dropped, feed.stats().rows);
    assert.ok(readDeviceEventsEvent(first), 'the page accepts it');
  } finally {
    feed.close();
  }
});

test('no two batches closer than the interval; rows in between wait for the next, none lost', async () => {
  const feed = new EventFeed({ intervalMs: 80, maxPerBatch: 50 });
  try {
    let batch = nextBatch(feed);
    feed.onSample(LSL, marker('a'));
    await batch;
    const firstAt = performance.now();
    batch = nextBatch(feed);
    feed.onSample(LSL, marker('b'));
    feed.onSample(LSL, marker('c'));
    const second = await batch;
    // setTimeout may fire up to a millisecond early by performance.now's reckoning.
    assert.ok(performance.now() - firstAt >= 78, `waited ${performance.now() - firstAt} ms`);
    assert.deepEqual(
      second.rows.map((r) => r.text),
      ['b', 'c'],
    );
    assert.equal(second.dropped, 0);
    assert.ok(second.rows[0]!.id > 0 && second.rows[1]!.id === second.rows[0]!.id + 1, 'ids increase');
  } finally {
    feed.close();
  }
});

test('a page that connects gets the last rows only (bounded history), whole, and non-event samples make none', async () => {
  const feed = new EventFeed({ intervalMs: 0, maxPerBatch: 1000, history: 5 });
  try {
    for (let round = 0; round < 3; round++) {
      const batch = nextBatch(feed);
      for (let i = 0; i < 4; i++) feed.onSample(LSL, marker(`r${round}-${i}`));
      feed.onSample(LSL, { kind: 'gaze', x: 0.5, y: 0.5, worn: true, hostTimeNs: 1 });
      await batch;
    }
    const snap = feed.snapshot();
    assert.equal(snap.replace, true);
    assert.deepEqual(
      snap.rows.map((r) => r.text),
      ['r1-3', 'r2-0', 'r2-1', 'r2-2', 'r2-3'],
    );
    assert.equal(feed.stats().rows, 12);
  } finally {
    feed.close();
  }
});

test('through a renderer link: history on connect, then batches; the Hub’s event samples reach it, closed links get none', async () => {
  const hub = new Hub({ healthTickMs: 60_000 });
  const source = new FakeSource({ id: 'markers', kind: 'lsl', label: 'LSL Markers' });
  hub.add(source);
  await hub.connect('markers');
  const feed = new EventFeed({ intervalMs: 0 }).attach(hub);
  const early = nextBatch(feed);
  source.emit('sample', marker('before the page'));
  await early;
  const transport = new FakeTransport();
  const link = new RendererLink(hub, transport, { events: feed });
  try {
    const replay = transport.eventsOfType('device-events');
    assert.equal(replay.length, 1);
    assert.equal(replay[0]!.replace, true);
    assert.deepEqual(
      replay[0]!.rows.map((r) => [r.device, r.text]),
      [['LSL Markers', 'before the page']],
    );
    const live = nextBatch(feed);
    source.emit('sample', marker('stimulus/7'));
    await live;
    await settle();
    const sent = transport.eventsOfType('device-events');
    assert.equal(sent.length, 2);
    assert.deepEqual(
      sent[1]!.rows.map((r) => [r.deviceId, r.text]),
      [['markers', 'stimulus/7']],
    );
    assert.equal(sent[1]!.replace, false);
    link.close();
    const after = nextBatch(feed);
    source.emit('sample', marker('after close'));
    await after;
    assert.equal(transport.eventsOfType('device-events').length, 2, 'a closed link sends nothing');
  } finally {
    link.close();
    feed.close();
    await hub.close();
  }
});

test('the page’s check refuses what main would never send', () => {
  const row = {
    id: 1,
    atMs: 1,
    deviceTimeMs: null,
    source: 'device',
    deviceId: 'a',
    device: 'A',
    text: 't',
    value: null,
  };
  const ok = { type: 'device-events', rows: [row], dropped: 0, replace: false };
  assert.ok(readDeviceEventsEvent(ok));
  const bad: unknown[] = [
    { ...ok, rows: Array.from({ length: 1001 }, (_, i) => ({ ...row, id: i })) },
    { ...ok, dropped: -1 },
    { ...ok, replace: 'yes' },
    { ...ok, rows: [{ ...row, source: 'elsewhere' }] },
    { ...ok, rows: [{ ...row, text: 'x'.repeat(501) }] },
    { ...ok, rows: [{ ...row, atMs: Number.NaN }] },
    { ...ok, rows: [{ ...row, deviceTimeMs: '12' }] },
    { ...ok, rows: [{ ...row, value: 7 }] },
    { ...ok, rows: [null] },
  ];
  for (const b of bad) assert.equal(readDeviceEventsEvent(b), null, JSON.stringify(b).slice(0, 120));
});

test('a recording played back: its devices’ events and its operator events come back as rows, in order', async () => {
  const hub = new Hub({ healthTickMs: 60_000 });
  const source = new FakeSource({ id: 'lab', kind: 'vrpn', label: 'Wand' });
  hub.add(source);
  await hub.connect('lab');
  const recorder = await Recorder.start(hub, { outDir: tempDir('event-feed') });
  const t = Date.now() * 1e6;
  source.emit('sample', { kind: 'event', name: 'stimulus/1', hostTimeNs: t });
  source.emit('sample', {
    kind: 'event',
    name: 'Wand0/button 0',
    value: 1,
    control: { device: 'Wand0', kind: 'button', index: 0 },
    hostTimeNs: t + 1e6,
  });
  recorder.operatorEvent('subject ready', 'hotkey', {}, t + 2e6);
  await recorder.stop();
  await hub.close();

  const player = new Hub({ healthTickMs: 60_000 });
  const controller = new PlaybackController(player);
  const feed = new EventFeed({ intervalMs: 0 }).attach(player, null, controller);
  const rows: DeviceEventsEvent['rows'] = [];
  feed.on('batch', (e) => rows.push(...e.rows));
  try {
    await controller.open(recorder.mcapPath);
    await waitFor(() => rows.length === 3, 'the three events played back', 10_000);
    assert.deepEqual(
      rows.map((r) => [r.source, r.deviceId, r.device, r.text, r.value]),
      [
        ['device', 'playback:lab', 'Wand (recorded)', 'stimulus/1', null],
        ['device', 'playback:lab', 'Wand (recorded)', 'Wand0/button 0', 'pressed'],
        ['operator', null, 'Operator (played back)', 'subject ready', 'hotkey'],
      ],
    );
  } finally {
    feed.close();
    await controller.close();
    await player.close();
  }
});
