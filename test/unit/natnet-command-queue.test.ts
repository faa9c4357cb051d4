import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandQueue, NatNetCommandError } from '../../main/protocols/natnet/command-queue';

const bytes = (...b: number[]) => Uint8Array.from(b);

test('one request at a time, answers matched in order', async () => {
  const sent: string[] = [];
  const queue = new CommandQueue((c) => sent.push(c));
  const a = queue.request('A', 1000);
  const b = queue.request('B', 1000);
  assert.deepEqual(sent, ['A'], 'B waits for A');
  assert.equal(queue.onResponse(bytes(1)), true);
  assert.deepEqual(await a, bytes(1));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent, ['A', 'B']);
  queue.onResponse(bytes(2));
  assert.deepEqual(await b, bytes(2));
  assert.equal(queue.onResponse(bytes(3)), false, 'nothing outstanding');
  assert.equal(queue.unmatchedResponses(), 1);
});

test('timeouts retry, then reject with a clear message; the queue moves on', async () => {
  const sent: string[] = [];
  const queue = new CommandQueue((c) => sent.push(c));
  const a = queue.request('FrameRate', 20, 2);
  const b = queue.request('Next', 1000);
  await assert.rejects(a, (e: unknown) => {
    assert.ok(e instanceof NatNetCommandError);
    assert.equal(e.failure, 'timeout');
    assert.equal(e.message, "Motive did not answer 'FrameRate' within 20 ms (3 attempts)");
    return true;
  });
  assert.deepEqual(sent, ['FrameRate', 'FrameRate', 'FrameRate', 'Next']);
  queue.onResponse(bytes(0));
  assert.deepEqual(await b, bytes(0));
});

test('message 100 rejects the outstanding request; rejectAll fails everything', async () => {
  const queue = new CommandQueue(() => undefined);
  const a = queue.request('Nope', 1000);
  queue.onUnrecognized();
  await assert.rejects(a, /Motive did not recognise 'Nope'/);
  const b = queue.request('X', 1000);
  const c = queue.request('Y', 1000);
  queue.rejectAll('connection closed');
  await assert.rejects(b, /connection closed/);
  await assert.rejects(c, /connection closed/);
});
