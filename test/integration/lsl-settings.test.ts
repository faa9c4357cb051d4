/**
 * settings.lsl and the lab interface, applied on loopback: LSL discovery with the operator's machine
 * scope and 127.0.0.1 as a known peer finds an outlet that only answers on its own service port (no
 * responder on 16571), sent from the lab interface (127.0.0.1 here); without the peer it does not. An
 * outlet told to join the scope's groups on the lab interface still answers queries. Nothing leaves
 * loopback: machine scope has no broadcast or multicast target, and joining a group sends nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { lanTargets } from '../../main/devices/discovery-service';
import { lsl } from '../../main/protocols/lsl';
import { lslOutletNetwork } from '../../main/protocols/lsl/settings';
import { resolveLabInterface } from '../../main/net/lab-interface';
import { LOOPBACK, resolveOn, startOutlet } from '../helpers/lsl-loopback';

async function scanWith(settings: Record<string, unknown>): Promise<{ deviceId?: string }[]> {
  const { iface } = resolveLabInterface(LOOPBACK);
  assert.ok(iface, 'the loopback interface is a lab interface here');
  const targets = lanTargets(iface, settings).lsl as { address: string; localAddress?: string }[];
  // Loopback only, whatever the settings say about peers.
  assert.ok(targets.every((t) => t.address === LOOPBACK && t.localAddress === LOOPBACK));
  const [task] = lsl.discovery!.scan(targets, 800, { wide: true });
  return task!.run();
}

test('a known peer from settings.lsl finds an outlet that has no responder; without it, nothing', async (t) => {
  const sourceId = `settings-peer-${randomUUID()}`;
  // A port of LSL's range (what known peers are asked on), no discovery responder.
  await startOutlet(t, { sourceId, responderPort: null, dataPort: undefined });
  const withPeer = await scanWith({ lsl: { scope: 'machine', knownPeers: [LOOPBACK] } });
  assert.ok(
    withPeer.some((f) => f.deviceId === sourceId),
    'found through the known peer',
  );
  const without = await scanWith({ lsl: { scope: 'machine', knownPeers: [] } });
  assert.ok(!without.some((f) => f.deviceId === sourceId), 'machine scope alone asks only 16571');
});

test('an outlet joining the scope’s multicast groups on the lab interface still answers queries', async (t) => {
  const outlet = await startOutlet(t, {
    sourceId: `settings-groups-${randomUUID()}`,
    ...lslOutletNetwork({ scope: 'link', knownPeers: [] }, LOOPBACK),
  });
  const found = await resolveOn(
    () => [{ address: LOOPBACK, port: outlet.responderPort! }],
    `source_id='${outlet.info.sourceId}'`,
  );
  assert.equal(found[0]?.info.uid, outlet.info.uid);
});
