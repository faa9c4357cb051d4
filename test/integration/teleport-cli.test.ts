/** `sightline sim teleport`, `probe teleport` and `discover teleport` against each other on loopback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../main/cli/index';
import { captureIo } from '../helpers/cli-capture';

async function waitFor<T>(get: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const variant of ['2022a', '2022b']) {
  test(`sim teleport --variant ${variant}, discover teleport, probe teleport --updates`, async () => {
    const sim = captureIo();
    const stopSim = new AbortController();
    const simDone = runCli(
      [
        'sim',
        'teleport',
        '--discovery-port',
        '0',
        '--service-port',
        '0',
        '--variant',
        variant,
        '--nodes',
        '3',
        '--rate',
        '100',
      ],
      sim.io,
      stopSim.signal,
    );
    try {
      const listening = JSON.parse(await waitFor(() => sim.lines[0], 5000, 'the listening line')) as {
        type: string;
        discoveryPort: number;
        servicePort: number;
        variant: string;
      };
      assert.equal(listening.type, 'listening');
      assert.equal(listening.variant, variant);

      const discover = captureIo();
      assert.equal(
        await runCli(
          [
            'discover',
            'teleport',
            '--host',
            '127.0.0.1',
            '--port',
            String(listening.discoveryPort),
            '--timeout',
            '300',
          ],
          discover.io,
        ),
        0,
      );
      const server = JSON.parse(discover.lines[0]!) as { type: string; servicePort: number; clientId: string };
      assert.equal(server.type, 'server');
      assert.equal(server.servicePort, listening.servicePort);
      assert.notEqual(server.clientId, '0');

      const probe = captureIo();
      const code = await runCli(
        ['probe', 'teleport', '127.0.0.1', '--discovery-port', String(listening.discoveryPort), '--updates', '12'],
        probe.io,
      );
      assert.equal(code, 0, probe.err());
      const [setupLine, ...nodeLines] = probe.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(setupLine!.type, 'setup');
      assert.equal(setupLine!.variant, variant);
      assert.equal((setupLine!.setup as { idleConnectionTimeoutMs: number }).idleConnectionTimeoutMs, 13000);
      assert.equal(nodeLines.length, 12);
      for (const n of nodeLines) {
        assert.equal(n.type, 'node');
        assert.match(String(n.node), /^100[123]$/);
        assert.equal((n.position as number[]).length, 3);
        assert.equal((n.quaternion as number[]).length, 4);
      }
    } finally {
      stopSim.abort();
      assert.equal(await simDone, 0);
    }
  });
}

test('probe teleport with no server answering fails with exit code 1', async () => {
  const probe = captureIo();
  const code = await runCli(['probe', 'teleport', '127.0.0.1', '--discovery-port', '9', '--timeout', '300'], probe.io);
  assert.equal(code, 1);
  assert.match(probe.err(), /no Teleport discovery reply/);
});
