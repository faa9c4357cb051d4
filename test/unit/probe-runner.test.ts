/**
 * The probe runner every `sightline probe <kind>` uses: a failed connection is one message and exit
 * code 1; lines stop at the limit (also when it is reached while connecting); a signal stops it; the
 * target is always closed, and its exit code is asked for before it closes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProbe, type ProbeRun } from '../../main/cli/probe-runner';
import { captureIo } from '../helpers/cli-capture';

test('a connection that fails: "probe: <reason>" on stderr, exit code 1, the target closed', async () => {
  const run = captureIo();
  let closed = 0;
  const code = await runProbe(run.io, { limit: undefined, signal: undefined }, () => ({
    connect: () => Promise.reject(new Error('no answer within 2000 ms')),
    connected: () => assert.fail('not connected'),
    close: async () => void closed++,
  }));
  assert.equal(code, 1);
  assert.equal(run.err(), 'probe: no answer within 2000 ms\n');
  assert.deepEqual(run.lines, []);
  assert.equal(closed, 1);
});

test('lines stop at the limit, even when it is reached while connecting; nothing prints after', async () => {
  const run = captureIo();
  let probe: ProbeRun | undefined;
  const order: string[] = [];
  const code = await runProbe(run.io, { limit: 3, signal: undefined }, (p) => {
    probe = p;
    return {
      connect: async () => {
        for (let i = 0; i < 5; i++) order.push(`print ${i}: ${p.print({ n: i })}`);
      },
      connected: () => order.push('connected'),
      exitCode: () => (order.push(`exit code after ${p.printed}`), 0),
      close: async () => void order.push('closed'),
    };
  });
  assert.equal(code, 0);
  assert.deepEqual(
    run.lines.map((l) => JSON.parse(l) as unknown),
    [{ n: 0 }, { n: 1 }, { n: 2 }],
  );
  assert.deepEqual(order, [
    'print 0: true',
    'print 1: true',
    'print 2: false',
    'print 3: false',
    'print 4: false',
    'connected',
    'exit code after 3',
    'closed',
  ]);
  assert.equal(probe?.stopped, true);
});

test('the caller’s signal stops a probe without a limit; the target’s exit code is returned', async () => {
  const run = captureIo();
  const stop = new AbortController();
  let closed = false;
  const running = runProbe(run.io, { limit: undefined, signal: stop.signal }, (p) => ({
    connect: async () => {},
    connected: () => {
      p.print({ type: 'line' });
      setImmediate(() => stop.abort());
    },
    exitCode: () => (closed ? 9 : 7),
    close: async () => void (closed = true),
  }));
  assert.equal(await running, 7);
  assert.equal(closed, true);
  assert.equal(run.lines.length, 1);
});
