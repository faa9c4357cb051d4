/** The `lsl` kind's pure parts: its address form, device entry, resolver targets and session queries. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lsl, LslDeviceSchema, lslTargets } from '../../main/protocols/lsl';
import { infoTree, parseStreamInfo } from '../../main/protocols/lsl/info';
import { matchesQuery } from '../../main/protocols/lsl/query';
import { scopeTargets, sessionQuery } from '../../main/protocols/lsl/resolver';
import { fixtureText } from '../helpers/lsl-fixture';

test('address form: Stream@host[:port] both ways, with clear errors', () => {
  assert.deepEqual(lsl.form.toEntry('EEG@192.168.1.50'), { fields: { host: '192.168.1.50', stream: 'EEG' } });
  assert.deepEqual(lsl.form.toEntry(' My Amp@lab-pc:16572 '), {
    fields: { host: 'lab-pc', port: 16572, stream: 'My Amp' },
  });
  assert.match((lsl.form.toEntry('192.168.1.50') as { error: string }).error, /Stream@host/);
  assert.match((lsl.form.toEntry(`a'b"c@host`) as { error: string }).error, /quote/);
  const entry = LslDeviceSchema.parse({ id: 'eeg', kind: 'lsl', host: '10.0.0.2', stream: 'EEG', port: 16572 });
  assert.equal(lsl.form.addressOf(entry), 'EEG@10.0.0.2:16572');
  assert.throws(() => LslDeviceSchema.parse({ id: 'eeg', kind: 'lsl', host: '10.0.0.2' }));
});

test('targets: the host on its discovery port (or the given one) and on every LSL data/service port', () => {
  const t = lslTargets({ host: '10.0.0.2' });
  assert.equal(t.length, 33);
  assert.deepEqual(t[0], { address: '10.0.0.2', port: 16571 });
  assert.deepEqual(t[32], { address: '10.0.0.2', port: 16603 });
  assert.deepEqual(lslTargets({ host: '10.0.0.2', port: 17000 })[0], { address: '10.0.0.2', port: 17000 });
  assert.deepEqual(
    scopeTargets('site').map((x) => x.address),
    ['127.0.0.1', '255.255.255.255', '224.0.0.1', '224.0.0.183', '239.255.172.215'],
  );
});

test('session queries keep "or" inside the session', () => {
  const tree = infoTree(parseStreamInfo(fixtureText('== TCP LSL:fullinfo reply')));
  assert.equal(sessionQuery("name='TestStream'"), "session_id='default' and name='TestStream'");
  assert.equal(sessionQuery(''), "session_id='default'");
  const q = sessionQuery("name='x' or type='Mocap'", 'other');
  assert.equal(q, "session_id='other' and (name='x' or type='Mocap')");
  assert.equal(matchesQuery(q, tree), false);
  assert.equal(matchesQuery(sessionQuery("name='x' or type='Mocap'"), tree), true);
});

test('discovery through the lab interface: its subnet broadcast, sent from its address', () => {
  const d = lsl.discovery!;
  const t = d.through!(d.lan, { address: '192.168.5.10', broadcast: '192.168.5.255' }) as {
    address: string;
    localAddress?: string;
  }[];
  assert.deepEqual(
    t.map((x) => x.address),
    ['127.0.0.1', '192.168.5.255', '224.0.0.1', '224.0.0.183', '239.255.172.215'],
  );
  assert.ok(t.every((x) => x.localAddress === '192.168.5.10'));
  assert.equal(lslSourceForDefaults(), '10.1.1.1');
});

function lslSourceForDefaults(): string | undefined {
  const source = lsl.createSource(LslDeviceSchema.parse({ id: 'x', kind: 'lsl', host: '10.0.0.2', stream: 'EEG' }), {
    networkInterface: '10.1.1.1',
  }) as unknown as { options: { bindAddress?: string } };
  return source.options.bindAddress;
}
