/** NatNet requests over loopback: values, recording control, unknown commands, timeouts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { responseAsFloat32, responseAsInt32 } from '../../main/protocols/natnet/codec';
import { NatNetCommandError } from '../../main/protocols/natnet/client';
import { connectAndStream, startSimulator, waitFor } from './natnet-helpers';

test('FrameRate and UnitsToMillimeters answer with a float32', async (t) => {
  const sim = await startSimulator(t, { rateHz: 240 });
  const { client } = await connectAndStream(t, sim);
  assert.equal(responseAsFloat32(await client.sendCommand('FrameRate')), 240);
  assert.equal(responseAsFloat32(await client.sendCommand('UnitsToMillimeters')), 1000);
});

test('requests queue: several at once are answered in order', async (t) => {
  const sim = await startSimulator(t, { rateHz: 100 });
  const { client } = await connectAndStream(t, sim);
  const seen: string[] = [];
  sim.on('command', (c) => seen.push(c));
  const [rate, mode, units] = await Promise.all([
    client.sendCommand('FrameRate'),
    client.sendCommand('CurrentMode'),
    client.sendCommand('UnitsToMillimeters'),
  ]);
  assert.equal(responseAsFloat32(rate), 100);
  assert.equal(responseAsInt32(mode), 0);
  assert.equal(responseAsFloat32(units), 1000);
  assert.deepEqual(seen, ['FrameRate', 'CurrentMode', 'UnitsToMillimeters']);
});

test('recording: start (with take name) sets the flag in samples, stop clears it', async (t) => {
  const sim = await startSimulator(t, { rateHz: 120 });
  const { client, samples } = await connectAndStream(t, sim);
  const commands: string[] = [];
  sim.on('command', (c) => commands.push(c));
  const recording = client.capabilities.recording!;

  await recording.start('session_01');
  assert.equal(sim.recording, true);
  assert.equal(sim.takeName, 'session_01');
  assert.deepEqual(commands, ['SetRecordTakeName,session_01', 'StartRecording']);
  await waitFor(() => samples.at(-1)?.recording === true, 1000, 'recording flag in samples');
  assert.equal(client.status().recording, true);

  await recording.stop();
  assert.equal(sim.recording, false);
  await waitFor(() => samples.at(-1)?.recording === false, 1000, 'recording flag cleared');
  assert.equal(client.status().recording, false);
  assert.deepEqual(commands, ['SetRecordTakeName,session_01', 'StartRecording', 'StopRecording']);
});

test('recording from Edit mode switches to Live first; take names with commas are refused', async (t) => {
  const sim = await startSimulator(t, { rateHz: 120 });
  const { client, samples } = await connectAndStream(t, sim);
  await client.sendCommand('EditMode');
  await waitFor(() => (samples.at(-1)!.raw as { params: number }).params === 4, 1000, 'edit mode in frames');
  const commands: string[] = [];
  sim.on('command', (c) => commands.push(c));
  await client.capabilities.recording!.start();
  assert.deepEqual(commands, ['LiveMode', 'StartRecording']);
  assert.equal(sim.recording, true);
  await assert.rejects(client.capabilities.recording!.start('a,b'), /cannot contain commas/);
});

test('recording is confirmed by the flag when the response is lost, and not sent blindly again', async (t) => {
  const sim = await startSimulator(t, { rateHz: 120 });
  const { client } = await connectAndStream(t, sim, { commandTimeoutMs: 200 });
  const starts: string[] = [];
  sim.on('command', (c) => starts.push(c));
  // Motive acts on the request, but its reply is lost on the way back.
  sim.pause('replies');
  await client.capabilities.recording!.start();
  assert.equal(sim.recording, true);
  assert.deepEqual(starts, ['StartRecording']);
  assert.equal(client.status().recording, true);
});

test('an unknown command rejects with "did not recognise"', async (t) => {
  const sim = await startSimulator(t);
  const { client } = await connectAndStream(t, sim);
  await assert.rejects(client.sendCommand('MakeCoffee,2'), (error: unknown) => {
    assert.ok(error instanceof NatNetCommandError);
    assert.equal(error.failure, 'unrecognized');
    assert.match(error.message, /Motive did not recognise 'MakeCoffee,2'/);
    return true;
  });
  // The queue moves on.
  assert.equal(responseAsFloat32(await client.sendCommand('FrameRate')), 120);
});

test('a Motive that does not answer: a clear timeout, no hang, retries counted in the message', async (t) => {
  const sim = await startSimulator(t);
  const { client } = await connectAndStream(t, sim);
  sim.pause('commands');
  const started = Date.now();
  await assert.rejects(client.sendCommand('StartRecording'), /Motive did not answer 'StartRecording' within 500 ms$/);
  await assert.rejects(
    client.sendCommand('FrameRate', { timeoutMs: 100, retries: 2 }),
    /Motive did not answer 'FrameRate' within 100 ms \(3 attempts\)/,
  );
  assert.ok(Date.now() - started < 3000);
  sim.resume();
  assert.equal(responseAsFloat32(await client.sendCommand('FrameRate')), 120);
});

test('recording start against a mute Motive rejects with a clear message', async (t) => {
  const sim = await startSimulator(t);
  const { client } = await connectAndStream(t, sim, { commandTimeoutMs: 150, staleAfterMs: 300 });
  sim.pause('commands');
  await assert.rejects(client.capabilities.recording!.start(), /Motive did not confirm StartRecording/);
  assert.equal(sim.recording, false);
});

test('a closed command socket: requests time out, pending ones fail on close()', async (t) => {
  const sim = await startSimulator(t);
  const { client } = await connectAndStream(t, sim, { commandTimeoutMs: 200 });
  await sim.stop();
  await assert.rejects(client.sendCommand('FrameRate'), /did not answer 'FrameRate' within 200 ms/);
  const pending = client.sendCommand('FrameRate', { timeoutMs: 5000 });
  await client.close();
  await assert.rejects(pending, /closed/);
  await assert.rejects(client.sendCommand('FrameRate'), /not connected/);
});
