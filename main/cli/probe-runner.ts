/**
 * What every `sightline probe <kind>` shares: connect, print one JSON line per message until stopped
 * (Ctrl+C, the caller's signal) or after N lines, then close. A kind supplies how to connect and what
 * its lines are; a failed connection is "probe: <reason>" on stderr and exit code 1.
 */
import { type CliIo, printJson, say, untilStopped } from './output';

/** One probe's stop switch and line count. */
export class ProbeRun {
  private readonly controller = new AbortController();
  private count = 0;

  constructor(
    private readonly io: CliIo,
    private readonly limit: number | undefined,
    signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  /** Lines printed so far. */
  get printed(): number {
    return this.count;
  }

  /** Prints a line unless stopped; the limit's last line stops the probe. False once stopped. */
  print(line: unknown): boolean {
    if (this.stopped) return false;
    printJson(this.io, line);
    if (this.limit !== undefined && ++this.count >= this.limit) this.stop();
    return !this.stopped;
  }

  stop(): void {
    this.controller.abort();
  }
}

/** What a kind's probe connects to (a client, or a Hub of several). */
export interface ProbeTarget {
  /** Resolves once the peer answered; rejects with the reason. */
  connect(): Promise<void>;
  /** After connecting: what to say or print once. */
  connected?(): void;
  /** Once stopped, before closing (default 0). */
  exitCode?(): number;
  close(): Promise<void>;
}

export async function runProbe(
  io: CliIo,
  options: { limit: number | undefined; signal: AbortSignal | undefined },
  open: (run: ProbeRun) => ProbeTarget,
): Promise<number> {
  const run = new ProbeRun(io, options.limit, options.signal);
  const target = open(run);
  try {
    await target.connect();
  } catch (e) {
    say(io, `probe: ${(e as Error).message}`);
    await target.close();
    return 1;
  }
  target.connected?.();
  // The limit may already have been reached while connecting.
  if (!run.stopped) await untilStopped(run.signal);
  run.stop();
  const code = target.exitCode?.() ?? 0;
  await target.close();
  return code;
}
