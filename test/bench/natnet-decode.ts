/**
 * NatNet frame decode throughput on one core: a 4.1 frame with 50 rigid bodies and 200 labeled
 * markers (~7.2 KB, a busy lab at full marker streaming), built with the encoder, decoded in a loop
 * for about two seconds. Target: ≥ 50,000 frames/s.
 */
import { decodeMessage, encodeMessage } from '../../main/protocols/natnet/codec';
import type { FrameOfData, Version4 } from '../../main/protocols/natnet/types';

export interface NatNetDecodeBench {
  framesPerSec: number;
  mbPerSec: number;
  frameBytes: number;
}

const BITSTREAM: Version4 = [4, 1, 0, 0];

export function benchFrame(rigidBodies = 50, labeledMarkers = 200): FrameOfData {
  return {
    frameNumber: 123456,
    markerSets: [],
    legacyMarkers: [],
    rigidBodies: Array.from({ length: rigidBodies }, (_, i) => ({
      id: i + 1,
      x: i * 0.01,
      y: 1 + i * 0.001,
      z: -i * 0.02,
      qx: 0.1,
      qy: 0.2,
      qz: 0.3,
      qw: 0.9,
      meanError: 0.0002,
      params: 1,
      valid: true,
    })),
    skeletons: [],
    assets: [],
    labeledMarkers: Array.from({ length: labeledMarkers }, (_, i) => ({
      id: ((i % 50) + 1) * 65536 + i,
      modelId: (i % 50) + 1,
      markerId: i,
      x: i * 0.003,
      y: 1.2,
      z: -i * 0.004,
      size: 0.014,
      params: 10,
      residual: 0.0003,
    })),
    forcePlates: [],
    devices: [],
    timecode: 0,
    timecodeSubframe: 0,
    timestamp: 1028.8,
    cameraMidExposureTicks: 10_000_000_000,
    cameraDataReceivedTicks: 10_000_050_000,
    transmitTicks: 10_000_060_000,
    precisionTimestampSeconds: 0,
    precisionTimestampFraction: 0,
    params: 0,
  };
}

export async function benchNatNetDecode(seconds = 2): Promise<NatNetDecodeBench> {
  const bytes = encodeMessage({ type: 'frameOfData', frame: benchFrame() }, BITSTREAM);
  // Keeps the optimiser from discarding the work.
  let sink = 0;
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const m = decodeMessage(bytes, BITSTREAM);
      if (m.type === 'frameOfData') sink += m.frame.rigidBodies.length + m.frame.labeledMarkers.length;
    }
  };
  run(5000); // warm-up: let the decoder reach its optimised tier
  const batch = 1000;
  const maxBatches = 100_000; // bound even on an absurdly fast machine
  let frames = 0;
  const t0 = performance.now();
  let elapsed = 0;
  for (let b = 0; b < maxBatches && elapsed < seconds * 1000; b++) {
    run(batch);
    frames += batch;
    elapsed = performance.now() - t0;
  }
  if (sink !== (frames + 5000) * 250) throw new Error('bench decoded something unexpected');
  const framesPerSec = frames / (elapsed / 1000);
  return { framesPerSec, mbPerSec: (framesPerSec * bytes.length) / 1e6, frameBytes: bytes.length };
}

if (require.main === module) {
  void benchNatNetDecode().then((r) => {
    console.log(
      `natnet decode: ${Math.round(r.framesPerSec).toLocaleString('en')} frames/s, ${r.mbPerSec.toFixed(0)} MB/s (${r.frameBytes}-byte 4.1 frame, 50 rigid bodies + 200 labeled markers)`,
    );
  });
}
