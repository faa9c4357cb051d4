/**
 * Shared plumbing for the NatNet integration tests: a simulator and a client on loopback with
 * OS-picked ports, bounded waits, and cleanup that runs even when an assertion fails.
 */
import type { TestContext } from 'node:test';
import { NatNetClient, type NatNetClientOptions } from '../../main/protocols/natnet/client';
import { MotiveSimulator, type MotiveSimulatorOptions } from '../../main/protocols/natnet/simulator';
import type { PosesSample, Sample } from '../../main/hub/source';

export const LOOPBACK = '127.0.0.1';

/** Polls `predicate` every 10 ms; rejects with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startSimulator(t: TestContext, options: MotiveSimulatorOptions = {}): Promise<MotiveSimulator> {
  const sim = new MotiveSimulator({ host: LOOPBACK, commandPort: 0, dataPort: 0, ...options });
  await sim.start();
  t.after(() => sim.stop());
  return sim;
}

/** A client for `sim`, closed after the test, recording every poses sample it emits. */
export function clientFor(
  t: TestContext,
  sim: MotiveSimulator,
  options: Partial<NatNetClientOptions> = {},
): { client: NatNetClient; samples: PosesSample[]; downs: string[] } {
  const client = new NatNetClient({ host: LOOPBACK, commandPort: sim.commandPort, ...options });
  const samples: PosesSample[] = [];
  const downs: string[] = [];
  client.on('sample', (s: Sample) => {
    if (s.kind === 'poses') samples.push(s);
  });
  client.on('down', (reason) => downs.push(reason));
  t.after(() => client.close());
  return { client, samples, downs };
}

/** Connects and waits for `count` samples. */
export async function connectAndStream(
  t: TestContext,
  sim: MotiveSimulator,
  options: Partial<NatNetClientOptions> = {},
  count = 10,
): Promise<{ client: NatNetClient; samples: PosesSample[]; downs: string[] }> {
  const made = clientFor(t, sim, options);
  await made.client.connect();
  await waitFor(() => made.samples.length >= count, 3000, `${count} samples`);
  return made;
}

export function assertStrictlyIncreasing(numbers: readonly number[]): void {
  for (let i = 1; i < numbers.length; i++) {
    if (!(numbers[i]! > numbers[i - 1]!)) {
      throw new Error(`frame numbers not strictly increasing at ${i}: ${numbers[i - 1]} then ${numbers[i]}`);
    }
  }
}
