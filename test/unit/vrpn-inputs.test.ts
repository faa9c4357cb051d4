/** The VRPN pose transform, the input-state folding for the renderer, and its validator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readInputsEvent } from '../../preload/api';
import { validateRpc } from '../../preload/api-schemas';
import { InputStates } from '../../main/link/input-state';
import { applyTransform } from '../../main/protocols/vrpn/transform';
import type { BodyPose } from '../../main/hub/source';

function pose(): BodyPose {
  return { id: 1, x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, valid: true };
}

/** Rotates v by the unit quaternion q (x, y, z, w). */
function rotate(q: [number, number, number, number], v: [number, number, number]): [number, number, number] {
  const [x, y, z, w] = q;
  const [vx, vy, vz] = v;
  const tx = 2 * (y * vz - z * vy);
  const ty = 2 * (z * vx - x * vz);
  const tz = 2 * (x * vy - y * vx);
  return [vx + w * tx + (y * tz - z * ty), vy + w * ty + (z * tx - x * tz), vz + w * tz + (x * ty - y * tx)];
}

test('Z up → Y up: height goes to Y, and a yaw about the room’s Z becomes a yaw about the scene’s Y', () => {
  const yaw = Math.PI / 3;
  const q: [number, number, number, number] = [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)];
  const out = applyTransform({ up: 'z' }, [1, 2, 3], q, pose());
  assert.deepEqual([out.x, out.y, out.z], [1, 3, -2]);
  // The body's forward axis (room X) turned by the yaw, expressed in the scene, must equal the
  // scene-frame quaternion applied to the scene's X.
  const roomForward = rotate(q, [1, 0, 0]);
  const sceneForward = rotate([out.qx, out.qy, out.qz, out.qw], [1, 0, 0]);
  const expected = [roomForward[0], roomForward[2], -roomForward[1]];
  sceneForward.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12));
  assert.ok(Math.abs(sceneForward[1]) < 1e-12, 'stays level');
});

test('Y up with scale and offset; identity leaves the pose as sent', () => {
  const out = applyTransform({ up: 'y', scale: 0.001, offset: [1, 0, 0] }, [1000, 2000, 3000], [0, 0, 0, 1], pose());
  assert.deepEqual([out.x, out.y, out.z], [2, 2, 3]);
  const same = applyTransform({ up: 'y' }, [1, 2, 3], [0.1, 0.2, 0.3, 0.9], pose());
  assert.deepEqual([same.x, same.y, same.z, same.qx, same.qy, same.qz, same.qw], [1, 2, 3, 0.1, 0.2, 0.3, 0.9]);
});

test('input states: buttons with press counts, analogs, dials accumulated; only changed handles are sent', () => {
  const s = new InputStates();
  const at = { hostTimeNs: 1 };
  const button = (index: number, value: number) =>
    s.onSample(3, { kind: 'event', name: 'b', value, control: { device: 'Button0', kind: 'button', index }, ...at });
  assert.equal(button(2, 1), true);
  button(2, 0);
  button(2, 1);
  s.onSample(3, { kind: 'analog', channels: [0.5, -0.25], device: 'Analog0', ...at });
  s.onSample(3, { kind: 'event', name: 'd', value: 0.25, control: { device: 'Dial0', kind: 'dial', index: 0 }, ...at });
  s.onSample(3, { kind: 'event', name: 'd', value: 0.25, control: { device: 'Dial0', kind: 'dial', index: 0 }, ...at });
  assert.equal(s.onSample(3, { kind: 'event', name: 'pupil event', value: 'x', ...at }), false);
  const [event] = s.takeChanged();
  assert.deepEqual(event, {
    type: 'inputs',
    handle: 3,
    devices: [
      { name: 'Button0', buttons: [0, 0, 1], presses: [0, 0, 2], analog: [], dials: [] },
      { name: 'Analog0', buttons: [], presses: [], analog: [0.5, -0.25], dials: [] },
      { name: 'Dial0', buttons: [], presses: [], analog: [], dials: [0.5] },
    ],
  });
  assert.deepEqual(s.takeChanged(), []);
  assert.equal(s.all().length, 1);
  assert.deepEqual(readInputsEvent(event), event);
});

test('the renderer refuses inputs events that are not what main sends', () => {
  assert.equal(readInputsEvent({ type: 'inputs', handle: 1, devices: [{ name: 'x' }] }), null);
  const many = {
    type: 'inputs',
    handle: 1,
    devices: [{ name: 'x', buttons: new Array(10_000).fill(0), presses: [], analog: [], dials: [] }],
  };
  assert.equal(readInputsEvent(many), null);
  assert.equal(
    readInputsEvent({
      type: 'inputs',
      handle: 1,
      devices: [{ name: 'x', buttons: [NaN], presses: [], analog: [], dials: [] }],
    }),
    null,
  );
});

test('setTransform is validated before the Hub sees it', () => {
  assert.equal(validateRpc('setTransform', { deviceId: 'v', transform: { up: 'z' } }).ok, true);
  assert.equal(validateRpc('setTransform', { deviceId: 'v', transform: { up: 'x' } }).ok, false);
  assert.equal(validateRpc('setTransform', { deviceId: 'v', transform: { up: 'y', scale: -1 } }).ok, false);
  assert.equal(validateRpc('setTransform', { deviceId: 'v', transform: { up: 'y', extra: 1 } }).ok, false);
});
