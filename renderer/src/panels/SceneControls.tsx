import { useMemo } from 'react';
import { bodyName, useAppStore } from '../stores/app-store';
import { useSceneStore } from '../stores/scene-store';
import {
  frameEverything,
  isSelected,
  selectBody,
  setSceneOptions,
  toggleSceneOption,
  useSceneView,
} from '../stores/scene-view-store';
import { SCENE_TOGGLES } from './scene/scene-view-options';

const TOGGLE_LABELS = { markers: 'Markers', labels: 'Labels', axes: 'Axes', trails: 'Trails' } as const;

/** The 3D view's options: what is drawn, units and up axis (kept with the layout), and framing. */
export function SceneToolbar() {
  const options = useSceneView((s) => s.options);
  return (
    <div className="scene-toolbar" role="toolbar" aria-label="3D view options" data-testid="scene-toolbar">
      {SCENE_TOGGLES.map((key) => (
        <label key={key} className="scene-toggle">
          <input
            type="checkbox"
            data-testid={`scene-toggle-${key}`}
            checked={options[key]}
            onChange={() => toggleSceneOption(key)}
          />
          {TOGGLE_LABELS[key]}
        </label>
      ))}
      <label className="scene-select">
        Units
        <select
          data-testid="scene-units"
          value={options.units}
          onChange={(e) => setSceneOptions({ units: e.target.value === 'mm' ? 'mm' : 'm' })}
        >
          <option value="m">m</option>
          <option value="mm">mm</option>
        </select>
      </label>
      <label className="scene-select">
        Up
        <select
          data-testid="scene-up"
          value={options.up}
          onChange={(e) => setSceneOptions({ up: e.target.value === 'z' ? 'z' : 'y' })}
        >
          <option value="y">Y up</option>
          <option value="z">Z up</option>
        </select>
      </label>
      <button type="button" data-testid="scene-frame-all" onClick={frameEverything}>
        Frame all
      </button>
    </div>
  );
}

/** Most bodies listed; past this the list says how many more (picking in the view still reaches them). */
const MAX_LISTED = 300;

/** Every body of the shown devices as a button: selection without a pointer. */
export function BodyList() {
  const bodyIds = useSceneStore((s) => s.bodyIds);
  const hidden = useSceneStore((s) => s.hiddenHandles);
  const catalogs = useAppStore((s) => s.catalogs);
  const selected = useSceneView((s) => s.selected);
  const rows = useMemo(() => {
    const out: { handle: number; id: number; name: string }[] = [];
    for (const [key, ids] of Object.entries(bodyIds)) {
      const handle = Number(key);
      if (hidden[handle]) continue;
      for (const id of ids) out.push({ handle, id, name: bodyName({ catalogs }, handle, id) });
    }
    return out;
  }, [bodyIds, hidden, catalogs]);
  if (rows.length === 0) return null;
  return (
    <details className="scene-bodies" data-testid="scene-bodies">
      <summary>Bodies ({rows.length})</summary>
      <ul>
        {rows.slice(0, MAX_LISTED).map((r) => {
          const chosen = isSelected(selected, r.handle, r.id);
          return (
            <li key={`${r.handle}:${r.id}`}>
              <button
                type="button"
                aria-pressed={chosen}
                data-testid={`scene-body-${r.handle}-${r.id}`}
                onClick={() => selectBody(chosen ? null : { handle: r.handle, id: r.id })}
              >
                {r.name}
              </button>
            </li>
          );
        })}
      </ul>
      {rows.length > MAX_LISTED && (
        <p className="body-card-faint">{rows.length - MAX_LISTED} more: pick them in the view</p>
      )}
    </details>
  );
}
