/** The Events panel's page side: the store's bound (older rows let go, counted), newest first, the filters. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceEventRow } from '../../preload/api';
import { clockTime, eventDevices, visibleEvents } from '../../renderer/src/panels/event-rows';
import { mergeEvents, type EventsState } from '../../renderer/src/stores/events-store';

function row(id: number, over: Partial<DeviceEventRow> = {}): DeviceEventRow {
  return {
    id,
    atMs: 1000 + id,
    deviceTimeMs: null,
    source: 'device',
    deviceId: 'markers',
    device: 'LSL Markers',
    text: `stimulus/${id}`,
    value: null,
    ...over,
  };
}

const EMPTY: EventsState = { rows: [], droppedByMain: 0, droppedByPage: 0 };
const batch = (rows: DeviceEventRow[], dropped = 0, replace = false) => ({
  type: 'device-events',
  rows,
  dropped,
  replace,
});

test('the page keeps the last N rows, counts the ones it lets go, and skips rows it already has', () => {
  let s = mergeEvents(EMPTY, batch([row(1), row(2), row(3)]), 4);
  s = mergeEvents(s, batch([row(3), row(4), row(5), row(6)], 17), 4);
  assert.deepEqual(
    s.rows.map((r) => r.id),
    [3, 4, 5, 6],
  );
  assert.equal(s.droppedByPage, 2);
  assert.equal(s.droppedByMain, 17);
  // A reconnect: main's history replaces the page's rows, and the page's own count starts again.
  s = mergeEvents(s, batch([row(5), row(6), row(7)], 20, true), 4);
  assert.deepEqual(
    s.rows.map((r) => r.id),
    [5, 6, 7],
  );
  assert.equal(s.droppedByPage, 0);
  // Something main would never send changes nothing.
  assert.equal(mergeEvents(s, batch([{ ...row(8), source: 'nowhere' } as never])), s);
});

test('newest first, by device and by text (name, event or value, any case)', () => {
  const rows = [
    row(1),
    row(2, { deviceId: 'wand', device: 'Wand', text: 'Wand0/button 0', value: 'pressed' }),
    row(3, { deviceId: null, source: 'operator', device: 'Operator', text: 'Subject ready', value: 'text field' }),
    row(4),
  ];
  assert.deepEqual(
    visibleEvents(rows, { device: '', text: '' }).map((r) => r.id),
    [4, 3, 2, 1],
  );
  assert.deepEqual(
    visibleEvents(rows, { device: 'markers', text: '' }).map((r) => r.id),
    [4, 1],
  );
  assert.deepEqual(
    visibleEvents(rows, { device: '(operator)', text: '' }).map((r) => r.id),
    [3],
  );
  assert.deepEqual(
    visibleEvents(rows, { device: '', text: 'PRESSED' }).map((r) => r.id),
    [2],
  );
  assert.deepEqual(
    visibleEvents(rows, { device: 'markers', text: 'stimulus/4' }).map((r) => r.id),
    [4],
  );
  assert.deepEqual(eventDevices(rows), [
    { key: 'markers', name: 'LSL Markers' },
    { key: 'wand', name: 'Wand' },
    { key: '(operator)', name: 'Operator' },
  ]);
  assert.match(clockTime(Date.UTC(2026, 0, 1, 12, 0, 1, 7)), /^\d\d:\d\d:01\.007$/);
});
