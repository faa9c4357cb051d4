/**
 * The liblsl peers: test/interop/lsl/lsl-peer.c (interop tests and fixture captures) and
 * test/interop/lsl/lsl-bench-peer.c (the bench), compiled against the liblsl that SIGHTLINE_LIBLSL names
 * (the path of liblsl.so in an install prefix, its headers in the include folder beside its lib folder),
 * with an lsl_api.cfg written here that keeps liblsl on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChannelFormat } from '../../main/protocols/lsl/info';
import type { SampleValues } from '../../main/protocols/lsl/samples';

const BUILD_DIR = path.join(__dirname, '../../test-results/lsl-interop');
const SOURCES = path.join(__dirname, '../interop/lsl');

export type LiblslProgram = 'lsl-peer' | 'lsl-bench-peer';

export function buildLiblslPeer(
  program: LiblslProgram = 'lsl-peer',
): { binary: string; env: NodeJS.ProcessEnv } | { skip: string } {
  const lib = process.env.SIGHTLINE_LIBLSL;
  if (!lib)
    return {
      skip: 'SIGHTLINE_LIBLSL is not set (path of a liblsl.so whose headers are in the include folder beside its lib folder)',
    };
  if (!existsSync(lib)) return { skip: `SIGHTLINE_LIBLSL=${lib} does not exist` };
  const libDir = path.dirname(lib);
  const include = path.join(libDir, '..', 'include');
  if (!existsSync(path.join(include, 'lsl_c.h'))) return { skip: `no lsl_c.h in ${include}` };
  mkdirSync(BUILD_DIR, { recursive: true });
  const binary = path.join(BUILD_DIR, program);
  const source = path.join(SOURCES, `${program}.c`);
  const r = spawnSync(
    'gcc',
    ['-O2', '-Wall', '-pthread', '-o', binary, source, `-I${include}`, lib, '-lm', `-Wl,-rpath,${libDir}`],
    { encoding: 'utf8' },
  );
  if (r.error) return { skip: `gcc is not available: ${r.error.message}` };
  if (r.status !== 0) throw new Error(`compiling ${program}.c against liblsl failed:\n${r.stderr}`);
  const cfg = path.join(BUILD_DIR, 'lsl_api.cfg');
  writeFileSync(
    cfg,
    '; written by test/helpers/liblsl-peer.ts: liblsl stays on this machine\n' +
      '[ports]\nIPv6 = disable\n[multicast]\nResolveScope = machine\nMachineAddresses = {127.0.0.1}\n' +
      '[lab]\nKnownPeers = {127.0.0.1}\n',
  );
  return { binary, env: { LSLAPICFG: cfg } };
}

/** What lsl-peer.c pushes (and expects) for sample i. */
export function expected(format: ChannelFormat, i: number): SampleValues {
  if (format === 'string') return [0, 1, 2, 3].map((k) => (k === 1 ? 'x'.repeat(300) : `s${i}-${k}`));
  const v = (k: number) => (format === 'int8' ? (i + k) % 100 : 10 * i + k) * (k % 2 ? -1 : 1) || 0;
  if (format === 'int64') return [0, 1, 2, 3].map((k) => BigInt(v(k)));
  return [0, 1, 2, 3].map(v);
}
