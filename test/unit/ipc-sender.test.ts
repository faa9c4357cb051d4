import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppUrl, isTrustedSender, type FrameLike } from '../../main/link/sender-policy';

const top: FrameLike = { url: 'app://sightline/index.html', parent: null, processId: 4, routingId: 1 };
const window = { webContentsId: 7, mainFrame: top };

test('our window’s top frame on app://sightline is trusted, also through a distinct wrapper object', () => {
  assert.equal(isTrustedSender({ senderFrame: top, senderId: 7, window }), true);
  assert.equal(isTrustedSender({ senderFrame: { ...top, url: 'app://sightline/?x=1#y' }, senderId: 7, window }), true);
});

test('everything else is refused', () => {
  const cases: [string, Parameters<typeof isTrustedSender>[0]][] = [
    ['frame gone', { senderFrame: null, senderId: 7, window }],
    ['frame undefined', { senderFrame: undefined, senderId: 7, window }],
    ['window gone', { senderFrame: top, senderId: 7, window: null }],
    ['another webContents', { senderFrame: top, senderId: 8, window }],
    ['a subframe', { senderFrame: { ...top, parent: top, routingId: 2 }, senderId: 7, window }],
    ['a subframe claiming the top ids', { senderFrame: { ...top, parent: top }, senderId: 7, window }],
    ['another frame of the process', { senderFrame: { ...top, routingId: 9 }, senderId: 7, window }],
    ['navigated to the web', { senderFrame: { ...top, url: 'https://evil.example/' }, senderId: 7, window }],
    ['file://', { senderFrame: { ...top, url: 'file:///etc/passwd' }, senderId: 7, window }],
    ['another app host', { senderFrame: { ...top, url: 'app://other/index.html' }, senderId: 7, window }],
    ['look-alike host', { senderFrame: { ...top, url: 'app://sightline.evil/index.html' }, senderId: 7, window }],
    ['about:blank', { senderFrame: { ...top, url: 'about:blank' }, senderId: 7, window }],
    ['empty url', { senderFrame: { ...top, url: '' }, senderId: 7, window }],
  ];
  for (const [name, check] of cases) assert.equal(isTrustedSender(check), false, name);
});

test('isAppUrl accepts only app://sightline', () => {
  assert.equal(isAppUrl('app://sightline/app.js'), true);
  assert.equal(isAppUrl('APP://SIGHTLINE/'), true);
  assert.equal(isAppUrl('app://sightline@evil/'), false);
  assert.equal(isAppUrl('not a url'), false);
});
