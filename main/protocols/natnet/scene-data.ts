/**
 * What of a NatNet frame and its model definitions the 3D view needs, in the Source contract's
 * shapes: rigid bodies with their mean error and marker count, skeleton segments as bodies of their
 * own (named, with their parent segment), and the markers with their labeled / unlabeled flags.
 * Pure: the client calls these per frame and per model definition.
 */
import { MarkerFlags, type BodyName, type BodyPose } from '../../../preload/api';
import type { DataDescription, FrameOfData, LabeledMarkerData, RigidBodyData } from './types';

/** A skeleton bone's streaming id (docs/protocols/natnet.md §5: skeletonId << 16 | boneId). */
export function boneBodyId(skeletonId: number, boneId: number): number {
  return ((skeletonId << 16) | (boneId & 0xffff)) >>> 0;
}

/** Rigid bodies, then every skeleton's bones, named (the bones with their parent segment). */
export function catalogFromModels(descriptions: readonly DataDescription[]): {
  bodies: BodyName[];
  bones: BodyName[];
} {
  const bodies: BodyName[] = [];
  const bones: BodyName[] = [];
  for (const d of descriptions) {
    if (d.type === 'rigidBody') bodies.push({ id: d.id, name: d.name });
    if (d.type !== 'skeleton') continue;
    const boneIds = new Set(d.bones.map((b) => b.id));
    for (const bone of d.bones) {
      const entry: BodyName = {
        id: boneBodyId(d.id, bone.id),
        name: `${d.name}/${bone.name}`,
        kind: 'bone',
        group: d.name,
      };
      // Motive's root segment has parent 0 or -1; a parent missing from the skeleton makes a root too.
      if (bone.parentId > 0 && boneIds.has(bone.parentId)) entry.parentId = boneBodyId(d.id, bone.parentId);
      bones.push(entry);
    }
  }
  return { bodies, bones };
}

function pose(rb: RigidBodyData, markerCount: number | undefined): BodyPose {
  const out: BodyPose = {
    id: rb.id,
    x: rb.x,
    y: rb.y,
    z: rb.z,
    qx: rb.qx,
    qy: rb.qy,
    qz: rb.qz,
    qw: rb.qw,
    valid: rb.valid,
  };
  if (rb.meanError !== undefined && Number.isFinite(rb.meanError)) out.meanError = rb.meanError;
  if (markerCount !== undefined) out.markerCount = markerCount;
  return out;
}

const isOccluded = (m: LabeledMarkerData): boolean => ((m.params ?? 0) & MarkerFlags.Occluded) !== 0;

/**
 * The frame's rigid bodies. Marker count: the body's own (legacy, < 3.0) marker list, else its
 * labeled markers that are not occluded (a labeled marker's model id is its rigid body's id).
 */
export function rigidBodyPoses(frame: FrameOfData): BodyPose[] {
  const perModel = new Map<number, number>();
  for (const m of frame.labeledMarkers) {
    if (m.modelId !== 0 && !isOccluded(m)) perModel.set(m.modelId, (perModel.get(m.modelId) ?? 0) + 1);
  }
  return frame.rigidBodies.map((rb) => pose(rb, rb.markers ? rb.markers.length : (perModel.get(rb.id) ?? 0)));
}

/** Every skeleton's bones, with the ids the frame carries (already skeletonId << 16 | boneId). */
export function bonePoses(frame: FrameOfData): BodyPose[] {
  const out: BodyPose[] = [];
  for (const skeleton of frame.skeletons) for (const bone of skeleton.bones) out.push(pose(bone, undefined));
  return out;
}

/** The labeled-marker list's positions and flags. Unlabeled: model 0, or the params' own bit. */
export function markerArrays(frame: FrameOfData): { xyz: Float32Array; flags: Uint16Array } {
  const markers = frame.labeledMarkers;
  const xyz = new Float32Array(markers.length * 3);
  const flags = new Uint16Array(markers.length);
  for (let i = 0; i < markers.length; i++) {
    const m = markers[i]!;
    xyz[i * 3] = m.x;
    xyz[i * 3 + 1] = m.y;
    xyz[i * 3 + 2] = m.z;
    flags[i] = ((m.params ?? 0) & 0xff) | (m.modelId === 0 ? MarkerFlags.Unlabeled : 0);
  }
  return { xyz, flags };
}
