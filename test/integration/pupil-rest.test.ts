// The Companion REST client: envelope validation, the phone's own refusal reasons, non-JSON bodies,
// timeouts, events with and without a timestamp (host time converted to the phone clock), templates.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { PupilClient } from '../../main/protocols/pupil/client';
import { PupilRestClient } from '../../main/protocols/pupil/rest';
import { CompanionSimulator } from '../../main/protocols/pupil/simulator';
import { hostTimeNs } from '../../main/time/host-clock';
import { collectUntil } from './pupil-helpers';

/** A stand-in phone that answers every request with `handler`. */
async function fakePhone(handler: http.RequestListener): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

test('a text/plain error body, a body without the envelope, and a timeout each give their own clear message', async () => {
  let mode = 'text';
  const phone = await fakePhone((_req, res) => {
    if (mode === 'text') {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('Bad Request: timestamp must be an integer');
    } else if (mode === 'no-envelope') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('[1,2,3]');
    } else if (mode === 'html') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>captive portal</html>');
    }
    // 'silent': never answers
  });
  try {
    const rest = new PupilRestClient('127.0.0.1', phone.port, 5000);
    await assert.rejects(
      rest.event('x'),
      /send event: refused by the phone \(HTTP 400\): Bad Request: timestamp must be an integer/,
    );
    mode = 'no-envelope';
    await assert.rejects(
      rest.recordingStart(),
      /start recording: the phone's answer has no \{message, result\} envelope/,
    );
    mode = 'html';
    await assert.rejects(rest.status(), /status: the phone's answer is not JSON: <html>captive portal/);
    mode = 'silent';
    const impatient = new PupilRestClient('127.0.0.1', phone.port, 300);
    await assert.rejects(impatient.recordingStopAndSave(), /stop and save: the phone did not answer within 300 ms/);
  } finally {
    await phone.close();
  }
});

test('refusals carry the phone reason: low battery, template with required fields; template data rules', async () => {
  const sim = new CompanionSimulator({
    port: 0,
    rtspPort: 0,
    timeEchoPort: 0,
    batteryLevel: 3,
    templateRequired: true,
  });
  const { port } = await sim.start();
  try {
    const rest = new PupilRestClient('127.0.0.1', port);
    await assert.rejects(
      rest.recordingStart(),
      (e: Error & { status?: number }) => /battery level too low/.test(e.message) && e.status === 500,
    );
    sim.batteryLevel = 80;
    await assert.rejects(rest.recordingStart(), /template has required fields/);
    const def = (await rest.templateDefinition()) as { items: { id: string; required: boolean }[] };
    assert.equal(def.items[0]!.required, true);
    const item = def.items[0]!.id;
    await assert.rejects(
      rest.call('POST', '/api/template_data', { 'no-such-id': ['x'] }, 'template data'),
      /Field ID not found/,
    );
    await rest.call('POST', '/api/template_data', { [item]: ['P07'] });
    assert.deepEqual(await rest.templateData(), { [item]: ['P07'] });
    assert.ok((await rest.recordingStart()).id);
  } finally {
    await sim.stop();
  }
});

test('events: without a timestamp the phone stamps arrival (ms); with a host timestamp it is converted to the phone clock', async () => {
  const sim = new CompanionSimulator({ port: 0, rtspPort: 0, timeEchoPort: 0, clockOffsetMs: -400 });
  const { port } = await sim.start();
  const client = new PupilClient({ host: '127.0.0.1', port, streams: { world: false, gaze: false } });
  try {
    await client.connect();
    await collectUntil(client, () => (client.status().clock?.samples ?? 0) > 0, 5000);
    const a = await client.sendEvent('no timestamp');
    assert.equal(a.name, 'no timestamp');
    // ms resolution (Unix ns exceed 2^53: as a JS number it is exact only to ±256 ns).
    assert.ok(Math.abs(a.timestamp / 1e6 - Math.round(a.timestamp / 1e6)) < 0.001, 'ms resolution');
    assert.equal(a.recording_id, null, 'not recording');
    const host = hostTimeNs();
    const b = await client.sendEvent('clapperboard', host);
    // The phone runs 400 ms behind: its clock read host − 400 ms at that instant (±Time Echo error).
    const errMs = (b.timestamp - (host - 400e6)) / 1e6;
    assert.ok(Math.abs(errMs) < 3, `converted timestamp off by ${errMs} ms`);
    await collectUntil(client, () => client.companionState().lastEvent?.name === 'clapperboard', 3000);
  } finally {
    await client.close();
    await sim.stop();
  }
});
