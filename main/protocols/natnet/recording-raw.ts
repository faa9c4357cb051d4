/**
 * What the recorder keeps of each NatNet frame beyond the generic poses: Motive's own stamps
 * (timecode, seconds since start, the three tick stamps) so a recording can be re-timed later, and
 * the frame parts the poses do not carry (labeled markers, skeletons, force plates, devices).
 */
import { fine, micro, packedField, packF32, packI32 } from '../../recording/compact-numbers';
import type { RawMapping } from '../descriptor';
import { objectSchema } from '../../recording/schemas';
import type { FrameOfData } from './types';

export const NATNET_FRAME_SCHEMA = objectSchema(
  'sightline.natnet.Frame',
  "Motive's frame stamps and the frame parts outside rigid bodies (docs/protocols/natnet.md §5)",
  {
    frame_number: { type: 'integer' },
    timecode: { type: 'integer' },
    timecode_subframe: { type: 'integer' },
    timestamp_s: { type: ['number', 'null'], description: 'Seconds since Motive started' },
    camera_mid_exposure_ticks: { type: ['number', 'null'] },
    camera_data_received_ticks: { type: ['number', 'null'] },
    transmit_ticks: { type: ['number', 'null'] },
    params: { type: ['integer', 'null'] },
    labeled_markers: {
      type: 'object',
      description: 'Per labeled marker, in the order of /ID/poses markers_f32 (whose xyz they share)',
      properties: {
        ids: packedField('int32', 'model id << 16 | marker index'),
        sizes: packedField('float32', 'metres'),
        params: packedField('int32', 'param bits; -1 when absent'),
        residuals: packedField('float32', 'metres per ray; NaN when absent'),
      },
    },
    skeletons: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          bone_ids: { type: 'array', items: { type: 'integer' } },
          valid: { type: 'array', items: { type: 'boolean' } },
          positions: { type: 'array', items: { type: 'number' } },
          rotations: { type: 'array', items: { type: 'number' } },
        },
      },
    },
    force_plates: { type: 'array' },
    devices: { type: 'array' },
  },
  ['frame_number'],
);

function isFrame(raw: unknown): raw is FrameOfData {
  return typeof raw === 'object' && raw !== null && typeof (raw as FrameOfData).frameNumber === 'number';
}

export const natnetRawMapping: RawMapping = (device, sample, out) => {
  if (sample.kind !== 'poses' || !isFrame(sample.raw)) return;
  const f = sample.raw;
  out.write(`/${device.id}/natnet_frame`, NATNET_FRAME_SCHEMA, {
    host_time_ns: sample.hostTimeNs,
    frame_number: f.frameNumber,
    timecode: f.timecode,
    timecode_subframe: f.timecodeSubframe,
    timestamp_s: f.timestamp ?? null,
    camera_mid_exposure_ticks: f.cameraMidExposureTicks ?? null,
    camera_data_received_ticks: f.cameraDataReceivedTicks ?? null,
    transmit_ticks: f.transmitTicks ?? null,
    params: f.params ?? null,
    labeled_markers: {
      ids: packI32(f.labeledMarkers.map((m) => m.id)),
      sizes: packF32(f.labeledMarkers.map((m) => m.size)),
      params: packI32(f.labeledMarkers.map((m) => m.params ?? -1)),
      residuals: packF32(f.labeledMarkers.map((m) => m.residual ?? NaN)),
    },
    skeletons: f.skeletons.map((s) => ({
      id: s.id,
      bone_ids: s.bones.map((b) => b.id),
      valid: s.bones.map((b) => b.valid),
      positions: s.bones.flatMap((b) => [micro(b.x), micro(b.y), micro(b.z)]),
      rotations: s.bones.flatMap((b) => [fine(b.qx), fine(b.qy), fine(b.qz), fine(b.qw)]),
    })),
    force_plates: f.forcePlates,
    devices: f.devices,
  });
};
