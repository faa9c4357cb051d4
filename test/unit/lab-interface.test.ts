/**
 * The operator's lab network interface (settings.networkInterface): found among this computer's
 * interfaces or reported missing, turned into discovery targets on that interface, and validated in the
 * settings file.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetworkInterfaceInfo } from 'node:os';
import { lanTargets } from '../../main/devices/discovery-service';
import {
  broadcastOf,
  describeLabInterface,
  resolveLabInterface,
  type InterfaceTable,
} from '../../main/net/lab-interface';
import { AppSettingsSchema, SETTINGS_VERSION } from '../../main/settings/app-settings';

const v4 = (address: string, netmask: string): NetworkInterfaceInfo => ({
  address,
  netmask,
  family: 'IPv4',
  mac: '00:00:00:00:00:00',
  internal: false,
  cidr: null,
});
const TABLE: InterfaceTable = {
  lo: [{ ...v4('127.0.0.1', '255.0.0.0'), internal: true }],
  'Ethernet 2': [v4('192.168.10.5', '255.255.255.0')],
  wlan0: [v4('10.20.30.40', '255.255.0.0')],
};

test('the chosen address is found, named, and its subnet broadcast worked out', () => {
  const { iface, message } = resolveLabInterface('192.168.10.5', TABLE);
  assert.equal(message, undefined);
  assert.deepEqual(iface, { address: '192.168.10.5', name: 'Ethernet 2', broadcast: '192.168.10.255' });
  assert.equal(describeLabInterface(iface!), 'Ethernet 2 192.168.10.5');
  assert.equal(broadcastOf('10.20.30.40', '255.255.0.0'), '10.20.255.255');
  assert.equal(broadcastOf('172.16.5.9', '255.255.252.0'), '172.16.7.255');
  assert.deepEqual(resolveLabInterface(undefined, TABLE), { iface: null });
});

test('an address that is not on this computer falls back to the system’s choice, and says which exist', () => {
  const { iface, message } = resolveLabInterface('192.168.99.1', TABLE);
  assert.equal(iface, null);
  assert.match(message ?? '', /192\.168\.99\.1\) is not on this computer/);
  assert.match(message ?? '', /Ethernet 2 192\.168\.10\.5/);
});

test('discovery on the chosen interface: broadcasts to its subnet, sent from it, mDNS on it', () => {
  const { iface } = resolveLabInterface('192.168.10.5', TABLE);
  const lan = lanTargets();
  assert.deepEqual(lanTargets(iface), {
    natnet: [{ address: '192.168.10.255', port: 1510, localAddress: '192.168.10.5' }],
    pupil: '192.168.10.5',
    teleport: [
      { address: '192.168.10.255', port: (lan.teleport as { port: number }[])[0]!.port, localAddress: '192.168.10.5' },
    ],
    // LSL at its site scope: loopback, the subnet's broadcast, and its multicast groups, all sent from the interface.
    lsl: ['127.0.0.1', '192.168.10.255', '224.0.0.1', '224.0.0.183', '239.255.172.215'].map((address) => ({
      address,
      port: 16571,
      localAddress: '192.168.10.5',
    })),
  });
  assert.deepEqual(lanTargets(null), lan);
  assert.deepEqual(lan.natnet, [{ address: '255.255.255.255', port: 1510 }]);
});

test('the settings file takes an IPv4 address for it, and refuses anything else', () => {
  const base = { version: SETTINGS_VERSION };
  assert.equal(AppSettingsSchema.parse({ ...base, networkInterface: '192.168.10.5' }).networkInterface, '192.168.10.5');
  for (const bad of ['eth0', '192.168.10', '999.1.1.1', '', 42]) {
    assert.equal(AppSettingsSchema.safeParse({ ...base, networkInterface: bad }).success, false, String(bad));
  }
});
