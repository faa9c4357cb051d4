/**
 * The recorder at full rate: Motive (simulated in a child process) at 1000 Hz × 100 bodies into the
 * Hub, first without and then with a recording running, so the CPU share the recorder adds to the
 * main process is the difference. Lost = frames the Hub never got (sequence gaps) + samples the
 * recorder dropped; the file is read back to count what is really in it.
 */
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../main/hub/hub';
import { NatNetClient } from '../../main/protocols/natnet/client';
import { scanRecording } from '../../main/recording/mcap-reader';
import { Recorder } from '../../main/recording/recorder';
import { spawnMotiveSimulator } from './simulator-child';

export interface RecorderBenchResult {
  rateHz: number;
  bodies: number;
  seconds: number;
  framesReceived: number;
  /** Frames the recorder was handed. */
  framesRecorded: number;
  /** Frames the Hub never got while recording + samples the recorder dropped. */
  lost: number;
  /** Pose messages found in the file. */
  posesInFile: number;
  messagesPerSec: number;
  bytesPerSec: number;
  /** Main-process CPU share without the recorder and with it (1.0 = one core). */
  cpuShareBaseline: number;
  cpuShareRecording: number;
}

async function cpuWindow(seconds: number): Promise<{ share: number; wallMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  return { share: (cpu.user + cpu.system) / 1000 / wallMs, wallMs };
}

export async function benchRecorder(rateHz = 1000, bodies = 100, seconds = 5): Promise<RecorderBenchResult> {
  const { commandPort, child } = await spawnMotiveSimulator(rateHz, bodies);
  const out = await mkdtemp(join(tmpdir(), 'sightline-bench-'));
  const hub = new Hub();
  try {
    const client = new NatNetClient({ id: 'bench', host: '127.0.0.1', commandPort });
    hub.add(client);
    await hub.connect('bench');
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = await cpuWindow(seconds);

    const before = client.counters();
    const recorder = await Recorder.start(hub, { outDir: out, sessionName: 'bench' });
    const recording = await cpuWindow(seconds);
    const summary = await recorder.stop();
    const after = client.counters();
    let poses = 0;
    await scanRecording(recorder.mcapPath, {
      onMessage: (m) => {
        if (m.channel.topic === '/bench/poses') poses++;
      },
    });
    const bytes = statSync(recorder.mcapPath).size;
    return {
      rateHz,
      bodies,
      seconds: recording.wallMs / 1000,
      framesReceived: after.samples - before.samples,
      framesRecorded: summary.devices.find((d) => d.id === 'bench')?.samples ?? 0,
      lost: after.dropped - before.dropped + summary.lost,
      posesInFile: poses,
      messagesPerSec: summary.messages / (recording.wallMs / 1000),
      bytesPerSec: bytes / (recording.wallMs / 1000),
      cpuShareBaseline: baseline.share,
      cpuShareRecording: recording.share,
    };
  } finally {
    await hub.close();
    child.kill('SIGTERM');
    await rm(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchRecorder().then((r) => console.log(JSON.stringify(r)));
}
