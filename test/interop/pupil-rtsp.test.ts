/**
 * RTSP interop with real third-party peers from Debian, started by the test itself:
 * - ffprobe and ffmpeg as clients of our Companion simulator's RTSP server (identify H.264, decode
 *   30 frames), over TCP and UDP;
 * - our RTSP client and H.264 depacketiser against GStreamer's RTSP server (x264enc + rtph264pay)
 *   over UDP and TCP; the access units we assemble are then decoded by ffprobe, frame by frame.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RtspSession } from '../../main/net/rtsp/client';
import { type AccessUnit, H264Depacketizer } from '../../main/net/rtsp/h264-rtp';
import { parseSpropParameterSets } from '../../main/net/rtsp/h264';
import { selectWorld } from '../../main/protocols/pupil/client';
import { CompanionSimulator, type SimulatorPorts } from '../../main/protocols/pupil/simulator';

const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'test-results', 'pupil-interop');

function has(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  return r.error || r.status !== 0 ? (r.error?.message ?? r.stderr.slice(0, 200)) : undefined;
}

/** Runs a tool with a hard time limit; resolves with its exit code and output. */
function run(
  cmd: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let sim: CompanionSimulator;
let ports: SimulatorPorts;
before(async () => {
  sim = new CompanionSimulator({ port: 0, rtspPort: 0, timeEchoPort: 0 });
  ports = await sim.start();
});
after(async () => {
  await sim.stop();
});

for (const transport of ['tcp', 'udp'] as const) {
  test(`ffprobe identifies the simulator's scene stream as H.264 1088×1080 over ${transport.toUpperCase()}`, async (t) => {
    const missing = has('ffprobe', ['-version']);
    if (missing) {
      console.log(`skipped: ffprobe not installed (apt-get install ffmpeg): ${missing}`);
      t.skip('ffprobe not installed (apt-get install ffmpeg)');
      return;
    }
    const url = `rtsp://127.0.0.1:${ports.rtspPort}/?camera=world&audioenable=on`;
    const r = await run(
      'ffprobe',
      ['-v', 'error', '-rtsp_transport', transport, '-show_streams', '-of', 'json', url],
      20_000,
    );
    assert.equal(r.code, 0, r.stderr);
    const streams = (JSON.parse(r.stdout) as { streams: Record<string, unknown>[] }).streams;
    assert.equal(streams.length, 1);
    assert.equal(streams[0]!.codec_name, 'h264');
    assert.deepEqual([streams[0]!.width, streams[0]!.height], [1088, 1080]);
    assert.match(String(streams[0]!.profile), /Baseline/);
  });
}

test('ffmpeg decodes 30 frames of the simulator stream over UDP without a decode error', async (t) => {
  const missing = has('ffmpeg', ['-version']);
  if (missing) {
    console.log(`skipped: ffmpeg not installed: ${missing}`);
    t.skip('ffmpeg not installed (apt-get install ffmpeg)');
    return;
  }
  const url = `rtsp://127.0.0.1:${ports.rtspPort}/?camera=world`;
  const r = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostats',
      '-loglevel',
      'error',
      '-rtsp_transport',
      'udp',
      '-i',
      url,
      '-frames:v',
      '30',
      '-f',
      'framemd5',
      '-',
    ],
    30_000,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.trim(), '', 'no decoder errors');
  const frames = r.stdout.split('\n').filter((l) => /^0,/.test(l));
  assert.equal(frames.length, 30);
  const hashes = new Set(frames.map((l) => l.split(',').at(-1)!.trim()));
  assert.ok(hashes.size >= 29, `decoded frames differ (${hashes.size} distinct of 30)`);
});

// ---- our client against GStreamer ----

function python(): string | undefined {
  for (const p of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(
      p,
      ['-c', "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer"],
      {
        timeout: 20_000,
      },
    );
    if (!r.error && r.status === 0) return p;
  }
  return undefined;
}

async function startGstServer(py: string): Promise<{ port: number; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(py, [join(__dirname, 'gst-rtsp-server.py')]);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the GStreamer RTSP server did not print its port')), 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`the GStreamer RTSP server exited (${code})`)));
  });
  return { port, child };
}

for (const transport of ['udp', 'tcp'] as const) {
  test(`our RTSP client + depacketiser against GStreamer's RTSP server over ${transport.toUpperCase()}: ffprobe decodes every access unit`, async (t) => {
    const py = python();
    if (!py) {
      console.log(
        'skipped: GStreamer RTSP server bindings missing (apt-get install gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 gstreamer1.0-plugins-ugly)',
      );
      t.skip('GStreamer RTSP server bindings missing');
      return;
    }
    const gst = await startGstServer(py);
    const session = new RtspSession({ url: `rtsp://127.0.0.1:${gst.port}/scene`, transport, select: selectWorld });
    try {
      const units: AccessUnit[] = [];
      let depacketizer: H264Depacketizer | undefined;
      session.on(
        'ready',
        (m) => (depacketizer = new H264Depacketizer(parseSpropParameterSets(m.fmtp.get('sprop-parameter-sets') ?? ''))),
      );
      const enough = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${units.length} access units in 20 s`)), 20_000);
        session.on('rtp', (d) => {
          units.push(...depacketizer!.push(d.packet.payload, d.packet.timestamp, d.packet.marker, d.afterGap));
          if (units.length >= 45) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const media = await session.start();
      assert.equal(media.encoding, 'H264');
      assert.match(session.serverName ?? '', /GStreamer/i);
      await enough;
      const got = units.slice(0, 45);
      assert.equal(got[0]!.key, true, 'the first unit we pass on is a key frame');
      assert.deepEqual([got[0]!.sps?.width, got[0]!.sps?.height], [640, 480]);
      for (let i = 1; i < got.length; i++) assert.equal((got[i]!.timestamp - got[i - 1]!.timestamp) >>> 0, 3000);
      assert.equal(depacketizer!.counts.malformedPayloads, 0);
      assert.equal(session.stats.lost, 0);

      const missing = has('ffprobe', ['-version']);
      if (missing) return;
      mkdirSync(RESULTS, { recursive: true });
      const file = join(RESULTS, `gstreamer-${transport}.h264`);
      writeFileSync(file, Buffer.concat(got.map((u) => u.data)));
      const r = await run(
        'ffprobe',
        ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames,codec_name', '-of', 'json', file],
        20_000,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr.trim(), '', 'no decode errors in our access units');
      const s = (JSON.parse(r.stdout) as { streams: { codec_name: string; nb_read_frames: string }[] }).streams[0]!;
      assert.equal(s.codec_name, 'h264');
      assert.equal(Number(s.nb_read_frames), got.length);
    } finally {
      await session.close();
      gst.child.stdin.end();
      gst.child.kill('SIGTERM');
    }
  });
}
