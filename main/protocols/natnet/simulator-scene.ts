/**
 * What the simulated Motive "sees": rigid bodies flying smooth, distinct Lissajous orbits around the
 * origin at 1–1.5 m height (Motive's default Y-up, metres), each carrying a few markers, plus one
 * walking skeleton. Produces the model definitions and the tracking part of every frame; the
 * simulator adds the suffix (stamps, params).
 *
 * Everything is a pure function of time, so any frame can be regenerated and a test can predict
 * where a body should be.
 */
import { axisAngleQuat, multiplyQuat, rotateVector, type Quat } from '../../../preload/shared/quaternion';
import {
  NatNetLimits,
  type DataDescription,
  type LabeledMarkerData,
  type LegacyRigidBodyMarker,
  type MarkerSetData,
  type Point3,
  type RigidBodyData,
  type RigidBodyDescription,
  type SkeletonData,
} from './types';

const X_AXIS = [1, 0, 0] as const;
const Y_AXIS = [0, 1, 0] as const;

const BODY_NAMES = ['Wand', 'Head', 'LeftHand', 'RightHand', 'Chest', 'Prop'];
/** Motive's limit; skeleton ids start above it so they never collide with rigid-body ids. */
export const MAX_SIMULATED_BODIES = 1000;
export const SKELETON_ID = 1001;
const SKELETON_NAME = 'Walker';
const MARKER_SIZE_M = 0.014;
/** Labeled-marker params: point-cloud solved (bit 1) + has model (bit 3), as real Motive sends. */
const MODEL_MARKER_PARAMS = 0x0a;
/** Unlabeled point-cloud markers: point-cloud solved (bit 1) + unlabeled (bit 4), model 0. */
const UNLABELED_MARKER_PARAMS = 0x12;
/** Strays the cameras see that belong to no asset (a reflection, a dropped marker); Motive numbers them from 50000. */
const UNLABELED_MARKERS = 3;
const UNLABELED_FIRST_ID = 50_000;
/**
 * Keep a frame well under the 65,503-byte NatNet maximum, and the "all" marker set within the SDK's
 * 200 markers per set: past either, the remaining bodies stream without markers (as if the operator
 * had turned marker streaming off for them).
 */
const MARKER_BYTES_BUDGET = 48_000;
/** Labeled (26) + per-set (12) + "all" set (12) bytes per marker, NatNet ≥ 3.0. */
const BYTES_PER_STREAMED_MARKER = 50;

interface BodyModel {
  id: number;
  name: string;
  /** Rigid-body-local marker offsets. */
  markers: Point3[];
  orbit: { ax: number; az: number; height: number; fx: number; fz: number; phase: number; spin: number };
}

interface BoneModel {
  id: number;
  name: string;
  parentId: number;
  /** Offset from the hip in the skeleton's own frame (used for the description too). */
  offset: Point3;
}

const BONES: BoneModel[] = [
  { id: 1, name: 'Hip', parentId: -1, offset: { x: 0, y: 0, z: 0 } },
  { id: 2, name: 'Ab', parentId: 1, offset: { x: 0, y: 0.1, z: 0 } },
  { id: 3, name: 'Chest', parentId: 2, offset: { x: 0, y: 0.3, z: 0 } },
  { id: 4, name: 'Head', parentId: 3, offset: { x: 0, y: 0.6, z: 0 } },
  { id: 5, name: 'LThigh', parentId: 1, offset: { x: 0.1, y: -0.05, z: 0 } },
  { id: 6, name: 'RThigh', parentId: 1, offset: { x: -0.1, y: -0.05, z: 0 } },
];

export interface SceneFrame {
  markerSets: MarkerSetData[];
  legacyMarkers: Point3[];
  rigidBodies: RigidBodyData[];
  skeletons: SkeletonData[];
  assets: [];
  labeledMarkers: LabeledMarkerData[];
  forcePlates: [];
  devices: [];
}

export class MotiveScene {
  private bodies: BodyModel[] = [];
  private markerBodies = 0;

  constructor(bodyCount: number) {
    this.setBodyCount(bodyCount);
  }

  get bodyCount(): number {
    return this.bodies.length;
  }

  setBodyCount(count: number): void {
    const n = Math.max(0, Math.min(MAX_SIMULATED_BODIES, Math.floor(count)));
    this.bodies = Array.from({ length: n }, (_, i) => bodyModel(i));
    let budget = MARKER_BYTES_BUDGET;
    let inAllSet = 0;
    this.markerBodies = 0;
    for (const body of this.bodies) {
      budget -= body.markers.length * BYTES_PER_STREAMED_MARKER + body.name.length + 1;
      inAllSet += body.markers.length;
      if (budget < 0 || inAllSet > NatNetLimits.maxMarkersPerSet) break;
      this.markerBodies++;
    }
  }

  bodyNames(): { id: number; name: string }[] {
    return this.bodies.map((b) => ({ id: b.id, name: b.name }));
  }

  descriptions(): DataDescription[] {
    const out: DataDescription[] = [];
    const streamed = this.bodies.slice(0, this.markerBodies);
    for (const body of streamed) {
      out.push({ type: 'markerSet', name: body.name, markerNames: body.markers.map((_, k) => `Marker${k + 1}`) });
    }
    out.push({
      type: 'markerSet',
      name: 'all',
      markerNames: streamed.flatMap((b) => b.markers.map((_, k) => `${b.name}_${k + 1}`)),
    });
    for (const body of this.bodies) {
      out.push({
        type: 'rigidBody',
        name: body.name,
        id: body.id,
        parentId: -1,
        offset: { x: 0, y: 0, z: 0 },
        rotationOffset: [0, 0, 0, 1],
        markers: body.markers.map((m, k) => ({ ...m, activeLabel: 0, name: `Marker${k + 1}` })),
      });
    }
    out.push({
      type: 'skeleton',
      name: SKELETON_NAME,
      id: SKELETON_ID,
      bones: BONES.map((bone): RigidBodyDescription => ({
        type: 'rigidBody',
        name: bone.name,
        id: bone.id,
        parentId: bone.parentId,
        offset: boneOffsetFromParent(bone),
        rotationOffset: [0, 0, 0, 1],
        markers: [],
      })),
    });
    return out;
  }

  /**
   * The tracking lists of the frame at `timeS` seconds. `legacyRigidBodyMarkers` fills the
   * per-rigid-body marker arrays that only NatNet < 3.0 carries; skip them otherwise (hot path).
   */
  frame(timeS: number, legacyRigidBodyMarkers: boolean): SceneFrame {
    const rigidBodies: RigidBodyData[] = [];
    const labeledMarkers: LabeledMarkerData[] = [];
    const markerSets: MarkerSetData[] = [];
    const all: Point3[] = [];
    for (let i = 0; i < this.bodies.length; i++) {
      const body = this.bodies[i]!;
      const { position, rotation } = bodyPose(body, timeS);
      const streamMarkers = i < this.markerBodies;
      const world =
        streamMarkers || legacyRigidBodyMarkers ? body.markers.map((m) => transform(rotation, position, m)) : [];
      const rb: RigidBodyData = {
        id: body.id,
        ...position,
        qx: rotation[0],
        qy: rotation[1],
        qz: rotation[2],
        qw: rotation[3],
        meanError: 0.0003 + 0.0001 * Math.sin(timeS * 3 + body.id),
        params: 1,
        valid: true,
      };
      if (legacyRigidBodyMarkers) {
        rb.markers = world.map((p, k): LegacyRigidBodyMarker => ({ ...p, id: k + 1, size: MARKER_SIZE_M }));
      }
      rigidBodies.push(rb);
      if (!streamMarkers) continue;
      markerSets.push({ name: body.name, markers: world });
      for (let k = 0; k < world.length; k++) {
        const p = world[k]!;
        all.push(p);
        labeledMarkers.push({
          id: ((body.id << 16) | (k + 1)) >>> 0,
          modelId: body.id,
          markerId: k + 1,
          ...p,
          size: MARKER_SIZE_M,
          params: MODEL_MARKER_PARAMS,
          residual: 0.0002 + 0.00005 * Math.sin(timeS * 5 + k),
        });
      }
    }
    markerSets.push({ name: 'all', markers: all });
    for (let k = 0; k < UNLABELED_MARKERS; k++) labeledMarkers.push(strayMarker(k, timeS));
    return {
      markerSets,
      legacyMarkers: [],
      rigidBodies,
      skeletons: [walkingSkeleton(timeS)],
      assets: [],
      labeledMarkers,
      forcePlates: [],
      devices: [],
    };
  }
}

/** Unlabeled marker k: drifting slowly near the floor, under the orbits. */
function strayMarker(k: number, t: number): LabeledMarkerData {
  const angle = 0.1 * t + (2 * Math.PI * k) / UNLABELED_MARKERS;
  return {
    id: UNLABELED_FIRST_ID + k,
    modelId: 0,
    markerId: UNLABELED_FIRST_ID + k,
    x: 1.1 * Math.cos(angle),
    y: 0.05 + 0.03 * k,
    z: 1.1 * Math.sin(angle),
    size: MARKER_SIZE_M,
    params: UNLABELED_MARKER_PARAMS,
    residual: 0.0004,
  };
}

function bodyModel(index: number): BodyModel {
  const id = index + 1;
  const name = BODY_NAMES[index] ?? `RigidBody${id}`;
  // Golden-ratio steps spread sizes, heights and phases so that no two bodies share a path.
  const spread = (k: number) => (index * 0.6180339887 * k) % 1;
  const markerCount = 3 + (index % 3);
  const markers: Point3[] = [];
  for (let k = 0; k < markerCount; k++) {
    const angle = (2 * Math.PI * k) / markerCount + index * 0.3;
    const radius = 0.05 + 0.015 * (k % 2);
    markers.push({ x: radius * Math.cos(angle), y: 0.01 * k, z: radius * Math.sin(angle) });
  }
  return {
    id,
    name,
    markers,
    orbit: {
      ax: 0.5 + 0.9 * spread(1),
      az: 0.4 + 0.8 * spread(2),
      height: 1.0 + 0.5 * spread(3),
      fx: 0.15 + 0.02 * (index % 5),
      fz: (0.15 + 0.02 * (index % 5)) * 1.5,
      phase: 2 * Math.PI * spread(4),
      spin: 0.2 + 0.1 * (index % 3),
    },
  };
}

function bodyPose(body: BodyModel, t: number): { position: Point3; rotation: Quat } {
  const o = body.orbit;
  const position = {
    x: o.ax * Math.sin(2 * Math.PI * o.fx * t + o.phase),
    y: o.height + 0.08 * Math.sin(2 * Math.PI * 0.5 * t + o.phase),
    z: o.az * Math.sin(2 * Math.PI * o.fz * t),
  };
  const yaw = 2 * Math.PI * o.spin * t + o.phase;
  const pitch = 0.25 * Math.sin(2 * Math.PI * 0.3 * t + o.phase);
  return { position, rotation: multiplyQuat(axisAngleQuat(Y_AXIS, yaw), axisAngleQuat(X_AXIS, pitch)) };
}

function walkingSkeleton(t: number): SkeletonData {
  const heading = 2 * Math.PI * 0.05 * t;
  const hip = { x: 1.5 * Math.cos(heading), y: 0.95 + 0.03 * Math.sin(4 * Math.PI * t), z: 1.5 * Math.sin(heading) };
  // Facing along the circle's tangent.
  const rotation = axisAngleQuat(Y_AXIS, -heading);
  return {
    id: SKELETON_ID,
    bones: BONES.map((bone) => {
      const p = transform(rotation, hip, bone.offset);
      return {
        id: ((SKELETON_ID << 16) | bone.id) >>> 0,
        ...p,
        qx: rotation[0],
        qy: rotation[1],
        qz: rotation[2],
        qw: rotation[3],
        meanError: 0,
        params: 1,
        valid: true,
      };
    }),
  };
}

function boneOffsetFromParent(bone: BoneModel): Point3 {
  const parent = BONES.find((b) => b.id === bone.parentId);
  if (!parent) return bone.offset;
  return { x: bone.offset.x - parent.offset.x, y: bone.offset.y - parent.offset.y, z: bone.offset.z - parent.offset.z };
}

/** Scratch for transform(): it runs per marker per frame, at up to 1000 frames a second in the benchmarks. */
const scratch: [number, number, number] = [0, 0, 0];

/** rotation · local + position */
function transform(q: Quat, position: Point3, local: Point3): Point3 {
  scratch[0] = local.x;
  scratch[1] = local.y;
  scratch[2] = local.z;
  rotateVector(q, scratch, scratch);
  return { x: position.x + scratch[0], y: position.y + scratch[1], z: position.z + scratch[2] };
}
