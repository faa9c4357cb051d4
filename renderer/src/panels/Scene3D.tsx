import { Canvas } from '@react-three/fiber';
import { Component, type ReactNode } from 'react';
import { useAppStore } from '../stores/app-store';
import { toggleDeviceVisible, useSceneStore } from '../stores/scene-store';
import { deviceColour } from './scene/palette';
import { SceneContents } from './scene/SceneContents';

export function Scene3D() {
  return (
    <div className="scene" data-testid="scene">
      <SceneErrorBoundary>
        <Canvas
          data-testid="scene-canvas"
          camera={{ position: [2.4, 2.3, 3.1], fov: 50, near: 0.01, far: 200 }}
          dpr={[1, 2]}
          gl={{ antialias: true, powerPreference: 'high-performance' }}
        >
          <SceneContents />
        </Canvas>
      </SceneErrorBoundary>
      <SceneLegend />
      <div className="scene-hint">1 m grid · Y up · drag to orbit · right-drag to pan · wheel to zoom</div>
    </div>
  );
}

/** The pose devices in the view, colour-coded, each of which can be hidden. */
function SceneLegend() {
  const bodyIds = useSceneStore((s) => s.bodyIds);
  const hidden = useSceneStore((s) => s.hiddenHandles);
  const devices = useAppStore((s) => s.devices);
  const handles = Object.keys(bodyIds).map(Number);
  if (handles.length === 0) return <div className="scene-legend scene-waiting">waiting for poses…</div>;
  return (
    <div className="scene-legend" data-testid="scene-legend">
      {handles.map((handle) => {
        const label = devices.find((d) => d.handle === handle)?.label ?? `device ${handle}`;
        const count = bodyIds[handle]?.length ?? 0;
        return (
          <label key={handle} className="legend-row">
            <input type="checkbox" checked={!hidden[handle]} onChange={() => toggleDeviceVisible(handle)} />
            <span className="legend-swatch" style={{ background: deviceColour(handle) }} />
            <span className="legend-label">{label}</span>
            <span className="legend-count">
              {count} {count === 1 ? 'body' : 'bodies'}
            </span>
          </label>
        );
      })}
    </div>
  );
}

/** Without WebGL (a blocked GPU, a remote desktop) the rest of the window must keep working. */
class SceneErrorBoundary extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null as string | null };

  static getDerivedStateFromError(error: unknown): { error: string } {
    return { error: error instanceof Error ? error.message : String(error) };
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="scene-error" role="alert">
        <strong>3D view unavailable</strong>
        <span>{this.state.error}</span>
      </div>
    );
  }
}
