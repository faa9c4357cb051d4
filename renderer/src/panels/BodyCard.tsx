import { useEffect, useState } from 'react';
import { bodyName, useAppStore } from '../stores/app-store';
import { refreshPoses } from '../stores/shared-pose-mirror';
import { poseStore } from '../stores/pose-store';
import { selectBody, setFollowing, useSceneView } from '../stores/scene-view-store';
import { eulerXYZDegrees, formatLength, toDisplayPosition, toDisplayQuaternion } from './scene/scene-math';
import { catalogEntry } from './scene/scene-structure';

/** The card reads the pose store a few times a second: live for a person, no React render per frame. */
const CARD_REFRESH_MS = 200;

function useTicker(ms: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return tick;
}

const fixed = (values: readonly number[], digits: number) => values.map((v) => v.toFixed(digits));

/** The selected body's details: name, id, device, position, orientation, tracking, markers, error. */
export function BodyCard() {
  const selected = useSceneView((s) => s.selected);
  const following = useSceneView((s) => s.following);
  const { units, up } = useSceneView((s) => s.options);
  const catalogs = useAppStore((s) => s.catalogs);
  const catalogBodies = useAppStore((s) => s.catalogBodies);
  const devices = useAppStore((s) => s.devices);
  useTicker(CARD_REFRESH_MS);
  if (!selected) return null;
  refreshPoses();
  const { handle, id } = selected;
  const body = poseStore.devices.get(handle)?.byId.get(id);
  const entry = catalogEntry(catalogBodies, handle, id);
  const device = devices.find((d) => d.handle === handle);
  const name = bodyName({ catalogs }, handle, id);
  const position = body ? toDisplayPosition([body.x, body.y, body.z], up, units) : null;
  const quaternion = body ? toDisplayQuaternion([body.qx, body.qy, body.qz, body.qw], up) : null;
  const euler = quaternion ? eulerXYZDegrees(quaternion) : null;
  const errorDigits = units === 'mm' ? 3 : 6;
  const meanError =
    body && Number.isFinite(body.meanError) ? (body.meanError * (units === 'mm' ? 1000 : 1)).toFixed(errorDigits) : '—';
  const markers = body && Number.isFinite(body.markerCount) ? String(body.markerCount) : '—';
  const kind = entry?.kind === 'bone' ? `segment of ${entry.group ?? 'a skeleton'}` : 'rigid body';

  return (
    <section className="body-card" data-testid="body-card" aria-label={`Details of ${name}`}>
      <header className="body-card-head">
        <strong data-testid="card-name">{name}</strong>
        <button type="button" className="body-card-close" onClick={() => selectBody(null)} aria-label="Close details">
          ×
        </button>
      </header>
      <dl>
        <dt>Id</dt>
        <dd data-testid="card-id">
          {id} <span className="body-card-faint">({kind})</span>
        </dd>
        <dt>Device</dt>
        <dd data-testid="card-device">{device?.label ?? `device ${handle}`}</dd>
        {body && position && quaternion && euler ? (
          <>
            <dt>Tracking</dt>
            <dd data-testid="card-valid" data-valid={String(body.valid)} className={body.valid ? 'ok' : 'bad'}>
              {body.valid ? '✓ tracked' : '✗ not tracked'}
            </dd>
            <dt>
              Position ({units}, {up.toUpperCase()} up)
            </dt>
            <dd data-testid="card-position" data-values={position.join(',')} className="mono">
              {position.map((v) => formatLength(v, units)).join('  ')}
            </dd>
            <dt>Euler XYZ (°)</dt>
            <dd data-testid="card-euler" data-values={euler.join(',')} className="mono">
              {fixed(euler, 1).join('  ')}
            </dd>
            <dt>Quaternion (x y z w)</dt>
            <dd data-testid="card-quaternion" data-values={quaternion.join(',')} className="mono">
              {fixed(quaternion, 4).join('  ')}
            </dd>
            <dt>Markers</dt>
            <dd data-testid="card-markers">{markers}</dd>
            <dt>Mean error ({units})</dt>
            <dd data-testid="card-error" className="mono">
              {meanError}
            </dd>
          </>
        ) : (
          <>
            <dt>Tracking</dt>
            <dd data-testid="card-valid" data-valid="false" className="bad">
              ✗ not in the stream
            </dd>
          </>
        )}
      </dl>
      <label className="body-card-follow">
        <input
          type="checkbox"
          data-testid="card-follow"
          checked={following}
          onChange={(e) => setFollowing(e.target.checked)}
        />
        Follow with the camera
      </label>
    </section>
  );
}
