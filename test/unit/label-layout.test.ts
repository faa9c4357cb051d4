/** The 3D view's label layout (renderer/src/panels/scene/label-layout.ts): no overlaps, stable, the selected first. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutLabels, overlaps, rectAt, type LabelIn } from '../../renderer/src/panels/scene/label-layout';

const view = { width: 800, height: 600 };
const label = (key: string, x: number, y: number, extra: Partial<LabelIn> = {}): LabelIn => ({
  key,
  x,
  y,
  width: 90,
  height: 20,
  selected: false,
  wasShown: false,
  ...extra,
});

test('100 labels in a crowd: none of those shown overlap, and some are shown', () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const labels = Array.from({ length: 100 }, (_, i) => label(`b${i}`, 250 + rnd() * 300, 200 + rnd() * 200));
  const out = layoutLabels(labels, view);
  const shown = out.filter((o) => o.rect);
  assert.ok(shown.length >= 8 && shown.length < 100, `${shown.length} shown`);
  for (let i = 0; i < shown.length; i++)
    for (let j = i + 1; j < shown.length; j++) assert.ok(!overlaps(shown[i]!.rect!, shown[j]!.rect!, 0));
});

test('two bodies side by side: the second label goes to another corner instead of hiding', () => {
  const out = layoutLabels([label('a', 300, 300), label('b', 330, 300)], view);
  assert.equal(out[0]!.corner, 'ne');
  assert.notEqual(out[1]!.corner, null);
  assert.notEqual(out[1]!.corner, 'ne');
});

test('the selected label always shows; a label shown before keeps its place (no flicker)', () => {
  const out = layoutLabels([label('a', 300, 300), label('z', 300, 300, { selected: true })], view);
  assert.equal(out[1]!.corner, 'ne', 'the selected one takes the first corner');
  const again = layoutLabels([label('a', 300, 300), label('b', 302, 301, { wasShown: true, lastCorner: 'sw' })], view);
  assert.equal(again[1]!.corner, 'sw');
  assert.deepEqual(rectAt(label('q', 100, 100), 'sw'), { x: 2, y: 108, width: 90, height: 20 });
});

test('behind the camera or off the view: not shown', () => {
  const out = layoutLabels([label('a', NaN, NaN), label('b', 795, 5)], view);
  assert.equal(out[0]!.corner, null);
  assert.equal(out[1]!.corner, 'sw', 'the only corner inside the view');
});
