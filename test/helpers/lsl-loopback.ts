/**
 * LSL on loopback for tests: outlets bound to 127.0.0.1 with ports from the OS, the resolver aimed at
 * their responder ports only (nothing is multicast or broadcast), inlets with recovery by source_id.
 */
import type { TestContext } from 'node:test';
import { LslInlet, type InletOptions } from '../../main/protocols/lsl/inlet';
import { LslOutlet, type OutletOptions } from '../../main/protocols/lsl/outlet';
import { resolveStreams, type ResolvedStream, type ResolveTarget } from '../../main/protocols/lsl/resolver';
import { queryLiteral } from '../../main/protocols/lsl/query';
import type { DecodedSample } from '../../main/protocols/lsl/samples';

export const LOOPBACK = '127.0.0.1';

export async function startOutlet(t: TestContext, options: Partial<OutletOptions> = {}): Promise<LslOutlet> {
  const outlet = await LslOutlet.create({
    name: 'Test',
    type: 'EEG',
    channelCount: 4,
    channelFormat: 'float32',
    nominalSrate: 100,
    sourceId: 'test-source',
    bindAddress: LOOPBACK,
    responderPort: 0,
    dataPort: 0,
    hostname: 'testhost',
    ...options,
  });
  t.after(() => outlet.close());
  return outlet;
}

/** Every outlet's responder and service port on loopback (what known peers give liblsl). */
export function targetsOf(outlets: LslOutlet[]): ResolveTarget[] {
  return outlets.flatMap((o) => [
    { address: LOOPBACK, port: o.responderPort! },
    { address: LOOPBACK, port: o.info.v4servicePort },
  ]);
}

export function resolveOn(
  targets: () => ResolveTarget[],
  query: string,
  timeoutMs = 3000,
  minimum = 1,
): Promise<ResolvedStream[]> {
  return resolveStreams({ query, targets: targets(), timeoutMs, minimum, waveIntervalMs: 100, bindAddress: LOOPBACK });
}

export interface Received {
  inlet: LslInlet;
  samples: DecodedSample[];
  states: string[];
}

export function openInlet(
  t: TestContext,
  stream: ResolvedStream,
  /** Where to look for the stream again after a loss; undefined = no recovery. */
  targets: (() => ResolveTarget[]) | undefined,
  options: Partial<InletOptions> = {},
): Received {
  const samples: DecodedSample[] = [];
  const states: string[] = [];
  const inlet = new LslInlet({
    stream,
    bindAddress: LOOPBACK,
    ...(targets && {
      recover: async () => (await resolveOn(targets, `source_id=${queryLiteral(stream.info.sourceId)}`, 1000))[0],
    }),
    onSample: (s) => samples.push(s),
    onState: (s) => states.push(s),
    ...options,
  });
  inlet.start();
  t.after(() => inlet.close());
  return { inlet, samples, states };
}
