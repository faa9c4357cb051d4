import { Canvas } from '@react-three/fiber';
import { Component, useEffect, useState, type ReactNode } from 'react';
import { useAppStore } from '../stores/app-store';
import { useRenderQuality } from '../stores/render-quality-store';
import { toggleDeviceVisible, useSceneStore } from '../stores/scene-store';
import { useSceneView } from '../stores/scene-view-store';
import { BodyCard } from './BodyCard';
import { BodyList, SceneToolbar } from './SceneControls';
import { FrameGate } from './scene/FrameGate';
import { toggleDeviceLabels, useLabelFilter } from './scene/label-declutter';
import { LabelHover } from './scene/LabelHover';
import { probeGl } from './scene/gl-probe';
import { deviceColour } from './scene/palette';
import { qualityProfile, type GlInfo, type QualityProfile } from './scene/render-quality';
import { SceneContents } from './scene/SceneContents';

/** Probes the GL renderer once, before the canvas exists (MSAA is fixed when a context is created). */
function decideQuality(): { gl: GlInfo | null; profile: QualityProfile } {
  const gl = probeGl();
  return { gl, profile: qualityProfile(gl, window.devicePixelRatio) };
}

/** What the view draws with, for the Health panel (the pixel ratio then follows FrameGate). */
function publishQuality(gl: GlInfo | null, profile: QualityProfile): void {
  useRenderQuality.setState({
    gl: gl ? `${gl.label}${gl.software ? ' (software)' : ''}` : null,
    glRenderer: gl?.renderer ?? null,
    software: gl?.software ?? false,
    antialias: profile.antialias,
    dpr: profile.maxDpr,
    minDpr: profile.minDpr,
    maxDpr: profile.maxDpr,
    maxFps: profile.maxFps,
  });
}

export function Scene3D() {
  const [{ gl, profile }] = useState(decideQuality);
  useEffect(() => publishQuality(gl, profile), [gl, profile]);
  return (
    <div className="scene" data-testid="scene">
      <SceneErrorBoundary>
        <Canvas
          data-testid="scene-canvas"
          camera={{ position: [2.4, 2.3, 3.1], fov: 50, near: 0.01, far: 200 }}
          // The starting point; FrameGate steps it between minDpr and maxDpr from measured frame times.
          dpr={profile.maxDpr}
          gl={{ antialias: profile.antialias, powerPreference: 'high-performance' }}
        >
          <SceneContents />
          <FrameGate maxFps={profile.maxFps} minDpr={profile.minDpr} maxDpr={profile.maxDpr} />
        </Canvas>
      </SceneErrorBoundary>
      <div className="scene-overlay-left">
        <SceneLegend />
        <BodyList />
      </div>
      <div className="scene-overlay-right">
        <SceneToolbar />
        <BodyCard />
      </div>
      <SceneHint />
      <LabelHover />
    </div>
  );
}

function SceneHint() {
  const { up, units } = useSceneView((s) => s.options);
  return (
    <div className="scene-hint" data-testid="scene-hint">
      1 m grid · {up.toUpperCase()} up · {units} · click a body to select it · drag to orbit · right-drag to pan · wheel
      to zoom · <span className="marker-key labeled">●</span> labeled <span className="marker-key unlabeled">◆</span>{' '}
      unlabeled markers
    </div>
  );
}

/** The pose devices in the view, colour-coded, each of which can be hidden. */
function SceneLegend() {
  const bodyIds = useSceneStore((s) => s.bodyIds);
  const hidden = useSceneStore((s) => s.hiddenHandles);
  const labelsHidden = useLabelFilter((s) => s.hidden);
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
            <input
              type="checkbox"
              className="legend-labels"
              checked={!labelsHidden[handle]}
              onChange={() => toggleDeviceLabels(handle)}
              aria-label={`Names of ${label}`}
              title={`Show the names of ${label}'s bodies`}
              data-testid={`legend-labels-${handle}`}
            />
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
