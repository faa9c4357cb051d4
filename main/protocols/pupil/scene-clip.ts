/**
 * The scene video the Companion simulator streams: assets/pupil-scene.h264 (made by
 * scripts/make-pupil-clip.sh), read as Annex B and cut into access units here, so the simulator
 * needs no ffmpeg at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessUnitsFromAnnexB, NalType, nalType, parseSps, type SpsInfo } from '../../net/rtsp/h264';

export const SCENE_CLIP_FILE = 'pupil-scene.h264';
export const SCENE_CLIP_FPS = 30;

export interface SceneClip {
  /** Each access unit as its NAL units (no start codes). */
  units: Uint8Array[][];
  sps: Uint8Array;
  pps: Uint8Array;
  info: SpsInfo;
  fps: number;
}

/** Where the clip is: next to the sources (tsx, tests) or next to the bundle (dist/assets). */
export function sceneClipPath(): string {
  const candidates = [
    join(__dirname, '..', '..', '..', 'assets', SCENE_CLIP_FILE),
    join(__dirname, '..', 'assets', SCENE_CLIP_FILE),
    join(__dirname, '..', '..', 'assets', SCENE_CLIP_FILE),
    join(process.cwd(), 'assets', SCENE_CLIP_FILE),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the demo scene clip ${SCENE_CLIP_FILE} is missing (looked in ${candidates.join(', ')})`);
  return found;
}

let cached: SceneClip | undefined;

export function loadSceneClip(path = sceneClipPath()): SceneClip {
  if (cached && path === sceneClipPath()) return cached;
  const units = accessUnitsFromAnnexB(new Uint8Array(readFileSync(path)));
  let sps: Uint8Array | undefined;
  let pps: Uint8Array | undefined;
  for (const nal of units.flat()) {
    if (!sps && nalType(nal) === NalType.Sps) sps = nal;
    if (!pps && nalType(nal) === NalType.Pps) pps = nal;
  }
  if (!sps || !pps || units.length === 0) throw new Error(`${path} holds no H.264 stream with SPS and PPS`);
  const clip = { units, sps, pps, info: parseSps(sps), fps: SCENE_CLIP_FPS };
  cached = clip;
  return clip;
}
