/** The Channels panel's rows: which devices, channel names from the detail's labels, one scale per device. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceSnapshot, InputDeviceState } from '../../preload/api';
import { channelDevices } from '../../renderer/src/panels/channel-rows';

const device = (id: string, kind: string, handle: number, detail?: unknown): DeviceSnapshot =>
  ({ id, kind, handle, label: id.toUpperCase(), detail }) as unknown as DeviceSnapshot;
const input = (analog: number[]): InputDeviceState => ({ name: 'x', buttons: [], presses: [], analog, dials: [] });

test('an lsl device’s channels with its labels; VRPN (own panel) and devices without analogs left out', () => {
  const rows = channelDevices(
    [
      device('eeg', 'lsl', 1, { labels: ['Fp1', 'Fp2'] }),
      device('vrpn', 'vrpn', 2),
      device('motive', 'natnet', 3),
      device('amp', 'lsl', 4, { labels: [1, 2] }),
    ],
    { 1: [input([10, -40])], 2: [input([0.5])], 4: [input([1, 2, 3])] },
  );
  assert.deepEqual(rows, [
    {
      deviceId: 'eeg',
      label: 'EEG',
      channels: [
        { label: 'Fp1', value: 10 },
        { label: 'Fp2', value: -40 },
      ],
      scale: 40,
    },
    {
      deviceId: 'amp',
      label: 'AMP',
      channels: [
        { label: 'ch 0', value: 1 },
        { label: 'ch 1', value: 2 },
        { label: 'ch 2', value: 3 },
      ],
      scale: 3,
    },
  ]);
});

test('fewer labels than channels: the rest are numbered; a non-finite value does not break the scale', () => {
  const [row] = channelDevices([device('eeg', 'lsl', 1, { labels: ['Cz'] })], { 1: [input([1, Number.NaN])] });
  assert.deepEqual(
    row!.channels.map((c) => c.label),
    ['Cz', 'ch 1'],
  );
  assert.equal(row!.scale, 1);
});
