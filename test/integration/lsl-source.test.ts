/**
 * The `lsl` kind end to end on loopback: the simulator's EEG and marker outlets read through LslSource
 * (analog samples with host-mapped LSL time, markers as events, health detail), then `sightline sim lsl`,
 * `discover lsl` and `probe lsl` against each other in-process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../main/cli/index';
import type { AnalogSample, EventSample } from '../../main/hub/source';
import { lsl, lslSourceFor } from '../../main/protocols/lsl';
import { LslSimulator } from '../../main/protocols/lsl/simulator';
import type { LslDetail } from '../../main/protocols/lsl/source';
import { captureIo } from '../helpers/cli-capture';
import { waitFor } from './natnet-helpers';

test('LslSource: EEG channels as analog samples with host-mapped time, markers as events, health detail', async (t) => {
  const sim = new LslSimulator({
    channels: 8,
    rateHz: 200,
    outlet: { bindAddress: '127.0.0.1', responderPort: 0, dataPort: 0 },
  });
  await sim.start();
  t.after(() => sim.stop());
  const eeg = lslSourceFor({
    id: 'eeg',
    kind: 'lsl',
    host: '127.0.0.1',
    port: sim.eeg!.responderPort!,
    stream: 'SightlineSimEEG',
  });
  const markers = lslSourceFor({
    id: 'm',
    kind: 'lsl',
    host: '127.0.0.1',
    port: sim.markers!.info.v4servicePort,
    stream: 'SightlineSimEEG-Markers',
  });
  t.after(() => eeg.close());
  t.after(() => markers.close());
  const analog: AnalogSample[] = [];
  const events: EventSample[] = [];
  eeg.on('sample', (s) => s.kind === 'analog' && analog.push(s));
  markers.on('sample', (s) => s.kind === 'event' && events.push(s));
  await eeg.connect();
  await markers.connect();
  await waitFor(
    () => analog.some((s) => s.deviceTimeNs !== undefined) && events.length >= 1,
    15_000,
    'mapped samples and a marker',
  );
  assert.equal(analog[0]!.channels.length, 8);
  assert.equal(analog[0]!.device, 'SightlineSimEEG');
  assert.match(events[0]!.name, /^stimulus\/\d+$/);
  // Same machine: the LSL timestamp mapped to host time lands within a few ms of arrival (pushes are 20 ms apart).
  const mapped = analog.filter((s) => s.deviceTimeNs !== undefined).at(-1)!;
  assert.ok(
    mapped.hostTimeNs - mapped.deviceTimeNs! > -5e6 && mapped.hostTimeNs - mapped.deviceTimeNs! < 200e6,
    `${(mapped.hostTimeNs - mapped.deviceTimeNs!) / 1e6} ms`,
  );
  const status = eeg.status();
  assert.equal(status.state, 'streaming');
  const detail = status.detail as LslDetail;
  assert.equal(detail.nominalSrate, 200);
  // The rate alert expects the nominal rate from the first second; an irregular marker stream declares none.
  assert.equal(status.nominalRateHz, 200);
  assert.equal(markers.status().nominalRateHz, undefined);
  assert.equal((markers.status().detail as LslDetail).nominalSrate, 0);
  assert.deepEqual(detail.labels, ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'FC5']);
  assert.ok(detail.timeCorrectionS !== null && Math.abs(detail.timeCorrectionS) < 0.01);
  assert.ok(status.clock && status.clock.samples >= 6);
  assert.equal(eeg.counters().samples, analog.length);
  // Discovery recognises the added stream by its source_id.
  assert.equal(lsl.discovery!.identify!(eeg), 'sightline-sim-eeg');
});

test('LslSource: an outlet that goes away is a down event; connect() finds it again by name after a restart', async (t) => {
  let sim = new LslSimulator({
    channels: 2,
    rateHz: 100,
    markers: false,
    outlet: { bindAddress: '127.0.0.1', responderPort: 0, dataPort: 0 },
  });
  await sim.start();
  const port = sim.eeg!.info.v4servicePort;
  const source = lslSourceFor({ id: 'eeg', kind: 'lsl', host: '127.0.0.1', port, stream: 'SightlineSimEEG' });
  t.after(() => source.close());
  const downs: string[] = [];
  source.on('down', (r) => downs.push(r));
  let count = 0;
  source.on('sample', () => count++);
  await source.connect();
  await waitFor(() => count > 0, 5000, 'samples');
  await sim.stop();
  await waitFor(() => downs.length === 1, 5000, 'down');
  await source.close();
  sim = new LslSimulator({
    channels: 2,
    rateHz: 100,
    markers: false,
    outlet: { bindAddress: '127.0.0.1', responderPort: null, dataPort: port },
  });
  await sim.start();
  t.after(() => sim.stop());
  const before = count;
  await source.connect();
  await waitFor(() => count > before, 5000, 'samples after the restart');
});

test('sim lsl, discover lsl and probe lsl against each other (loopback, ports from the OS)', async () => {
  const simIo = captureIo();
  const abort = new AbortController();
  const running = runCli(
    ['sim', 'lsl', '--channels', '4', '--rate', '100', '--responder-port', '0', '--data-port', '0'],
    simIo.io,
    abort.signal,
  );
  try {
    await waitFor(() => simIo.lines.length > 0, 5000, 'the listening line');
    const listening = JSON.parse(simIo.lines[0]!) as {
      device: string;
      streams: { name: string; uid: string; dataPort: number; responderPort: number }[];
    };
    assert.equal(listening.device, 'lsl');
    assert.deepEqual(
      listening.streams.map((s) => s.name),
      ['SightlineSimEEG', 'SightlineSimEEG-Markers'],
    );
    const ports = listening.streams.flatMap((s) => ['--port', String(s.dataPort)]);

    const d = captureIo();
    assert.equal(
      await runCli(['discover', 'lsl', ...ports, '--timeout', '1500', '--local', '127.0.0.1'], d.io),
      0,
      d.err(),
    );
    // Other tests' outlets on 127.0.0.1:16571 may answer too: look for this simulator's by uid.
    const uids = listening.streams.map((s) => s.uid);
    const found = d.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((f) => uids.includes(f.uid as string));
    assert.deepEqual(found.map((f) => f.name).sort(), ['SightlineSimEEG', 'SightlineSimEEG-Markers']);
    assert.equal(found.find((f) => f.name === 'SightlineSimEEG')!.channelCount, 4);

    const p = captureIo();
    const code = await runCli(
      ['probe', 'lsl', `uid='${uids[0]}'`, ...ports, '--samples', '5', '--local', '127.0.0.1'],
      p.io,
    );
    assert.equal(code, 0, p.err());
    const lines = p.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 6);
    assert.equal(lines[0]!.type, 'info');
    assert.deepEqual(lines[0]!.labels, ['Fp1', 'Fp2', 'F7', 'F3']);
    for (const s of lines.slice(1)) {
      assert.equal(s.type, 'sample');
      assert.equal((s.values as number[]).length, 4);
      assert.equal(typeof s.timestamp, 'number');
    }

    const bad = captureIo();
    assert.equal(await runCli(['probe', 'lsl', "name='x"], bad.io), 2);
  } finally {
    abort.abort();
    assert.equal(await running, 0);
  }
});
