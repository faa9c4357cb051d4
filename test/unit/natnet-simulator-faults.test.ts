import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultInjector } from '../../main/protocols/natnet/simulator-faults';

const datagram = (n: number) => Uint8Array.of(7, 0, 4, 0, n & 0xff, 0, 0, 0);

function run(faults: ConstructorParameters<typeof FaultInjector>[0], count = 2000): Uint8Array[] {
  const injector = new FaultInjector(faults);
  return Array.from({ length: count }, (_, i) => injector.apply(datagram(i), 'a')).flat();
}

test('no faults: every datagram passes unchanged', () => {
  const out = run({});
  assert.equal(out.length, 2000);
  assert.deepEqual(out[5], datagram(5));
});

test('the same seed gives the same pattern', () => {
  const a = run({
    lossRate: 0.2,
    duplicateRate: 0.1,
    reorderRate: 0.1,
    truncateRate: 0.05,
    garbageRate: 0.05,
    seed: 9,
  });
  const b = run({
    lossRate: 0.2,
    duplicateRate: 0.1,
    reorderRate: 0.1,
    truncateRate: 0.05,
    garbageRate: 0.05,
    seed: 9,
  });
  const c = run({
    lossRate: 0.2,
    duplicateRate: 0.1,
    reorderRate: 0.1,
    truncateRate: 0.05,
    garbageRate: 0.05,
    seed: 10,
  });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('rates come out close to what was asked', () => {
  const lost = 2000 - run({ lossRate: 0.1, seed: 1 }).length;
  assert.ok(lost > 150 && lost < 250, `lost ${lost}`);
  const injector = new FaultInjector({ lossRate: 0.1, seed: 1 });
  for (let i = 0; i < 2000; i++) injector.apply(datagram(i), 'a');
  assert.deepEqual(injector.stats(), {
    passed: 2000 - lost,
    lost,
    duplicated: 0,
    reordered: 0,
    truncated: 0,
    garbage: 0,
  });
  const dup = run({ duplicateRate: 0.1, seed: 2 }).length - 2000;
  assert.ok(dup > 150 && dup < 250, `duplicated ${dup}`);
  const truncated = run({ truncateRate: 0.1, seed: 3 }).filter((d) => d.length < 8).length;
  assert.ok(truncated > 150 && truncated < 250, `truncated ${truncated}`);
});

test('reordering holds one datagram back until the next one to the same destination', () => {
  const injector = new FaultInjector({ reorderRate: 1, seed: 4 });
  assert.deepEqual(injector.apply(datagram(1), 'a'), []);
  // Another destination is not affected by a's held datagram... but is itself held.
  assert.deepEqual(injector.apply(datagram(9), 'b'), []);
  assert.deepEqual(injector.apply(datagram(2), 'a'), [datagram(2), datagram(1)]);
});
