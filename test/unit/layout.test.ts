import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_DOCK,
  MAX_SCENE_PERCENT,
  MIN_SCENE_PERCENT,
  movePanel,
  parseDockLayout,
  serialiseDockLayout,
  SIDE_PANELS,
} from '../../renderer/src/layout/dock-layout';
import { FOCUS_ORDER, matchShortcut, SHORTCUT_HELP } from '../../renderer/src/layout/shortcut-map';
import { nextTheme, parseThemeChoice, resolveTheme } from '../../renderer/src/layout/theme';

test('a dock layout survives serialising and reading back', () => {
  const layout = { scenePercent: 55.25, order: movePanel(SIDE_PANELS, 'health', -1) };
  const back = parseDockLayout(JSON.parse(JSON.stringify(serialiseDockLayout(layout))));
  assert.equal(back.scenePercent, 55.3);
  assert.deepEqual(back.order, layout.order);
  assert.notDeepEqual(back.order, [...SIDE_PANELS]);
});

test('a missing, foreign or older saved dock layout falls back to the default', () => {
  for (const saved of [null, undefined, 42, 'dock', [], {}, { version: 0, scenePercent: 40, order: ['time'] }]) {
    assert.deepEqual(parseDockLayout(saved), DEFAULT_DOCK, JSON.stringify(saved));
  }
});

test('a damaged dock layout keeps what it can: unknown and repeated panels dropped, missing ones appended', () => {
  const back = parseDockLayout({ version: 1, scenePercent: 'wide', order: ['time', 'gone', 'time', 7, 'video'] });
  assert.equal(back.scenePercent, DEFAULT_DOCK.scenePercent);
  assert.deepEqual(back.order.slice(0, 2), ['time', 'video']);
  assert.deepEqual([...back.order].sort(), [...SIDE_PANELS].sort());
  assert.equal(parseDockLayout({ version: 1, scenePercent: 1e9 }).scenePercent, MAX_SCENE_PERCENT);
  assert.equal(parseDockLayout({ version: 1, scenePercent: -5 }).scenePercent, MIN_SCENE_PERCENT);
  assert.equal(parseDockLayout({ version: 1, scenePercent: Number.NaN }).scenePercent, DEFAULT_DOCK.scenePercent);
});

test('moving a panel past either end of the column changes nothing', () => {
  const first = SIDE_PANELS[0];
  const last = SIDE_PANELS[SIDE_PANELS.length - 1]!;
  assert.deepEqual(movePanel(SIDE_PANELS, first, -1), [...SIDE_PANELS]);
  assert.deepEqual(movePanel(SIDE_PANELS, last, 1), [...SIDE_PANELS]);
  const moved = movePanel(SIDE_PANELS, first, 1);
  assert.equal(moved[1], first);
  assert.equal(moved.length, SIDE_PANELS.length);
});

test('themes: unknown saved values keep the dark default; "system" follows the system preference', () => {
  assert.equal(parseThemeChoice('light'), 'light');
  assert.equal(parseThemeChoice('system'), 'system');
  assert.equal(parseThemeChoice('sepia'), 'dark');
  assert.equal(parseThemeChoice(undefined), 'dark');
  assert.equal(resolveTheme('system', true), 'light');
  assert.equal(resolveTheme('system', false), 'dark');
  assert.equal(resolveTheme('dark', true), 'dark');
  assert.deepEqual([nextTheme('system'), nextTheme('light'), nextTheme('dark')], ['light', 'dark', 'system']);
});

test('the recorder keeps its plain 1–9 marker keys: no shortcut takes them', () => {
  for (let d = 1; d <= 9; d++) {
    assert.equal(matchShortcut({ key: String(d), code: `Digit${d}` }), null, `key ${d}`);
    assert.equal(matchShortcut({ key: String(d), code: `Numpad${d}` }), null, `numpad ${d}`);
  }
});

test('shortcuts: record, event, help, theme and panel focus; none while typing except Esc', () => {
  assert.deepEqual(matchShortcut({ key: 'R', shiftKey: true }), { kind: 'toggle-recording' });
  assert.equal(matchShortcut({ key: 'r' }), null, 'a bare r records nothing');
  assert.equal(matchShortcut({ key: 'R', shiftKey: true, ctrlKey: true }), null, 'Ctrl+Shift+R stays the reload');
  assert.deepEqual(matchShortcut({ key: 'e' }), { kind: 'operator-event' });
  assert.deepEqual(matchShortcut({ key: '?', shiftKey: true }), { kind: 'help' });
  assert.deepEqual(matchShortcut({ key: 'T', shiftKey: true }), { kind: 'cycle-theme' });
  assert.deepEqual(matchShortcut({ key: 'F6' }), { kind: 'cycle-panel', step: 1 });
  assert.deepEqual(matchShortcut({ key: 'F6', shiftKey: true }), { kind: 'cycle-panel', step: -1 });
  FOCUS_ORDER.slice(0, 10).forEach((panel, i) => {
    // Some layouts report Alt+digit as another character: the physical key decides.
    assert.deepEqual(matchShortcut({ key: '¡', code: `Digit${(i + 1) % 10}`, altKey: true }), {
      kind: 'focus-panel',
      panel,
    });
  });
  // Alt+0 is the tenth panel; the ones after it (Channels, Events) are reached with F6.
  assert.equal(FOCUS_ORDER[9], 'plots');
  assert.deepEqual(FOCUS_ORDER.slice(10), ['channels', 'events']);
  for (const key of ['R', '?', 'e', 'F6', 'T']) {
    assert.equal(matchShortcut({ key, shiftKey: key !== 'e', typing: true }), null, `${key} while typing`);
  }
  assert.deepEqual(matchShortcut({ key: 'Escape', typing: true }), { kind: 'close' });
});

test('the help overlay lists every panel shortcut once', () => {
  const keys = SHORTCUT_HELP.map((s) => s.keys);
  assert.equal(new Set(keys).size, keys.length);
  for (let i = 1; i <= Math.min(10, FOCUS_ORDER.length); i++) assert.ok(keys.includes(`Alt+${i % 10}`));
  assert.ok(keys.includes('Shift+R') && keys.includes('?'));
});
