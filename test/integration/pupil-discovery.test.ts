// Companion discovery over mDNS on the loopback interface: a phone appears with its name, id,
// address and port, other _http._tcp services are ignored, and a phone that leaves is reported gone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PhoneAdvertisement,
  PhoneBrowser,
  type DiscoveredPhone,
  parseServiceName,
} from '../../main/protocols/pupil/discovery';
import { CompanionSimulator } from '../../main/protocols/pupil/simulator';

test('service names: PI monitor:<name>:<id>, names with colons, other services ignored', () => {
  assert.deepEqual(parseServiceName('PI monitor:OnePlus8:d55a33b5ab845785'), {
    phoneName: 'OnePlus8',
    deviceId: 'd55a33b5ab845785',
  });
  assert.deepEqual(parseServiceName('PI monitor:Lab: left:abc'), { phoneName: 'Lab: left', deviceId: 'abc' });
  assert.equal(parseServiceName('My printer'), undefined);
  assert.equal(parseServiceName('PI monitorX:a:b'), undefined);
  assert.equal(parseServiceName('PI monitor:a:'), undefined);
});

function next(browser: PhoneBrowser, event: 'up' | 'down', name: string, timeoutMs: number): Promise<DiscoveredPhone> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} for ${name} within ${timeoutMs} ms`)), timeoutMs);
    const on = (p: DiscoveredPhone) => {
      if (p.name !== name) return;
      clearTimeout(timer);
      browser.off(event, on);
      resolve(p);
    };
    browser.on(event, on);
  });
}

test('a simulated phone is discovered with its REST address and port, and shown gone when it leaves', async () => {
  const browser = new PhoneBrowser({ interfaceAddress: '127.0.0.1' });
  browser.on('error', () => {});
  const other = new PhoneAdvertisement('Office printer', 631, { interfaceAddress: '127.0.0.1' });
  const sim = new CompanionSimulator({
    port: 0,
    rtspPort: 0,
    timeEchoPort: 0,
    mdnsInterface: '127.0.0.1',
    phoneName: 'Neon 7',
    deviceId: '0123456789abcdef',
    family: 'neon',
  });
  try {
    const up = next(browser, 'up', sim.serviceName, 8000);
    const { port } = await sim.start();
    const phone = await up;
    assert.deepEqual(phone, {
      name: 'PI monitor:Neon 7:0123456789abcdef',
      phoneName: 'Neon 7',
      deviceId: '0123456789abcdef',
      address: '127.0.0.1',
      port,
    });
    const gone = next(browser, 'down', sim.serviceName, 8000);
    await sim.stop();
    await gone;
    // Other test files may advertise phones of their own on loopback at the same time: judge by name.
    const listed = [...browser.phones.keys()];
    assert.ok(!listed.includes(sim.serviceName), 'the phone that left is still listed');
    assert.ok(
      listed.every((name) => parseServiceName(name) !== undefined),
      `only Companion services are listed: ${listed.join(', ')}`,
    );
  } finally {
    await sim.stop();
    await other.stop();
    await browser.close();
  }
});
