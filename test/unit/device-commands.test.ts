import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hub } from '../../main/hub/hub';
import { deviceStateFromCompanion } from '../../main/protocols/pupil/companion-state';
import { RendererLink } from '../../main/link/renderer-link';
import type { DeviceState, SourceCapabilities } from '../../main/hub/source';
import { FakeSource } from '../helpers/fake-source';
import { FakeTransport } from '../helpers/fake-transport';

/** A phone-like source: answers in words, refuses with its own reason, reports its state. */
class PhoneLikeSource extends FakeSource {
  readonly calls: string[] = [];
  running = false;
  phoneState: DeviceState | null = {
    battery: { percent: 77, state: 'OK' },
    storage: { freeBytes: 99_877_777_408, state: 'OK' },
    sensors: [{ name: 'world', connected: true, error: false }],
  };
  override readonly capabilities: SourceCapabilities = {
    recording: {
      start: async () => {
        this.calls.push('start');
        if (this.running) throw new Error('recording already running');
        this.running = true;
        return { message: 'recording started (id 5c3a)' };
      },
      stop: async () => {
        this.calls.push('stop');
        if (!this.running) throw new Error('recording not running');
        this.running = false;
      },
      cancel: async () => {
        this.calls.push('cancel');
        throw new Error('recording not running');
      },
    },
    events: {
      send: async (name, timestampNs) => {
        this.calls.push(`event:${name}:${String(timestampNs)}`);
        return { message: `event ${name} stored` };
      },
    },
    deviceState: { current: () => this.phoneState },
  };
}

async function setup() {
  const hub = new Hub({ healthTickMs: 60_000 });
  const phone = new PhoneLikeSource({ id: 'phone' });
  const motive = new FakeSource({ id: 'motive', recording: true });
  hub.add(phone);
  hub.add(motive);
  const transport = new FakeTransport();
  const link = new RendererLink(hub, transport);
  return {
    hub,
    phone,
    transport,
    async done() {
      link.close();
      await hub.close();
    },
  };
}

test('recording commands answer in the device’s words, and a refusal carries its reason', async () => {
  const t = await setup();
  try {
    assert.deepEqual(await t.transport.call('recordingCommand', { deviceId: 'phone', action: 'start' }), {
      ok: true,
      value: { message: 'recording started (id 5c3a)' },
    });
    const again = await t.transport.call('recordingCommand', { deviceId: 'phone', action: 'start' });
    assert.equal(again.ok, false);
    assert.match(!again.ok ? again.error : '', /recording already running/);
    // A source that resolves without words still gets a line the operator can read.
    assert.deepEqual(await t.transport.call('recordingCommand', { deviceId: 'phone', action: 'stopAndSave' }), {
      ok: true,
      value: { message: 'recording saved' },
    });
    const cancel = await t.transport.call('recordingCommand', { deviceId: 'phone', action: 'cancel' });
    assert.equal(cancel.ok, false);
    assert.match(!cancel.ok ? cancel.error : '', /recording not running/);
    assert.deepEqual(t.phone.calls, ['start', 'start', 'stop', 'cancel']);
  } finally {
    await t.done();
  }
});

test('a device without cancel or events says so; bad params never reach the device', async () => {
  const t = await setup();
  try {
    const cancel = await t.transport.call('recordingCommand', { deviceId: 'motive', action: 'cancel' });
    assert.deepEqual(cancel, { ok: false, error: 'Fake motive cannot discard a recording' });
    const event = await t.transport.call('sendDeviceEvent', { deviceId: 'motive', name: 'x' });
    assert.deepEqual(event, { ok: false, error: 'Fake motive does not take events' });
    for (const params of [
      { deviceId: 'phone', action: 'explode' },
      { deviceId: 'phone', action: 'start', extra: 1 },
    ]) {
      assert.equal((await t.transport.call('recordingCommand', params)).ok, false);
    }
    for (const params of [
      { deviceId: 'phone', name: '   ' },
      { deviceId: 'phone', name: 'a\u0007b' },
      { deviceId: 'phone', name: 'x'.repeat(257) },
      { deviceId: 'phone', name: 'ok', hostTimeMs: -1 },
      { deviceId: 'phone', name: 'ok', hostTimeMs: 'now' },
    ]) {
      assert.equal((await t.transport.call('sendDeviceEvent', params)).ok, false, JSON.stringify(params));
    }
    const unknown = await t.transport.call('recordingCommand', { deviceId: 'nobody', action: 'start' });
    assert.deepEqual(unknown, { ok: false, error: 'no device "nobody"' });
    assert.deepEqual(t.phone.calls, []);
  } finally {
    await t.done();
  }
});

test('events: a host time is handed to the source in ns (it converts to the device clock); none means now', async () => {
  const t = await setup();
  try {
    const answer = await t.transport.call('sendDeviceEvent', {
      deviceId: 'phone',
      name: ' stimulus on ',
      hostTimeMs: 1_763_700_000_123.5,
    });
    assert.deepEqual(answer, { ok: true, value: { message: 'event stimulus on stored' } });
    await t.transport.call('sendDeviceEvent', { deviceId: 'phone', name: 'blink' });
    assert.deepEqual(t.phone.calls, ['event:stimulus on:1763700000123500000', 'event:blink:undefined']);
  } finally {
    await t.done();
  }
});

test('snapshots carry the device’s own state and whether it can discard a recording', async () => {
  const t = await setup();
  try {
    const [phone, motive] = t.hub.snapshots();
    assert.deepEqual(phone!.capabilities, { recording: true, events: true, cancelRecording: true });
    assert.equal(phone!.deviceState?.battery?.percent, 77);
    assert.deepEqual(motive!.capabilities, { recording: true, events: false });
    assert.equal(motive!.deviceState, undefined);
    t.phone.phoneState = null;
    assert.equal(t.hub.snapshots()[0]!.deviceState, undefined);
  } finally {
    await t.done();
  }
});

test('a Pupil Companion phone’s own state (its status WebSocket) becomes the device state every panel reads', () => {
  const companion = {
    family: 'Pupil Invisible' as const,
    phoneName: 'OnePlus8',
    deviceId: 'd55a33b5ab845785',
    batteryLevel: 12,
    batteryState: 'LOW',
    storageBytes: 5e9,
    storageState: 'OK',
    sensors: [{ name: 'world', connected: true, streamError: true }],
    recording: { id: 'r1', action: 'START', durationNs: 5e9, receivedAtMs: 1000, message: null },
    lastEvent: { name: null, timestampNs: 1, recordingId: 'r1' },
    live: true,
  };
  const source = new FakeSource({ id: 'pi' });
  source.capabilities.deviceState = { current: () => deviceStateFromCompanion(companion) };
  assert.deepEqual(deviceStateFromCompanion(companion), {
    name: 'OnePlus8 · Pupil Invisible',
    battery: { percent: 12, state: 'LOW' },
    storage: { freeBytes: 5e9, state: 'OK' },
    sensors: [{ name: 'world', connected: true, error: true }],
    recording: { id: 'r1', action: 'START', durationNs: 5e9, atHostMs: 1000, running: true },
    lastEvent: { name: '', timestampNs: 1, recordingId: 'r1' },
  });
  const hub = new Hub();
  hub.add(source);
  hub.add(new FakeSource({ id: 'plain' }));
  assert.equal(hub.snapshots()[0]!.deviceState?.name, 'OnePlus8 · Pupil Invisible');
  assert.equal(hub.snapshots()[1]!.deviceState, undefined);
});
