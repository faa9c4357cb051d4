// Shared by the Pupil integration tests: wait for a client's samples or state, bounded in time.
import type { Sample, Source } from '../../main/hub/source';

/** Collects samples until `done(samples)` holds (checked on every sample and every 50 ms); rejects after timeoutMs. */
export function collectUntil(
  source: Source,
  done: (samples: Sample[]) => boolean,
  timeoutMs: number,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearInterval(poll);
      clearTimeout(timer);
      source.off('sample', onSample);
      if (error) reject(error);
      else resolve(samples);
    };
    const check = () => {
      try {
        if (done(samples)) finish();
      } catch (e) {
        finish(e as Error);
      }
    };
    const onSample = (s: Sample) => {
      samples.push(s);
      check();
    };
    source.on('sample', onSample);
    const poll = setInterval(check, 50);
    const timer = setTimeout(
      () => finish(new Error(`condition not met within ${timeoutMs} ms (${samples.length} samples)`)),
      timeoutMs,
    );
    check();
  });
}
