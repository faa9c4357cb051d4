/**
 * NAT_REQUEST strings carry no request id: a response can only be matched to a request by order
 * (docs/protocols/natnet.md §4.3). So exactly one request is outstanding at a time and the rest wait their turn.
 *
 * A reply that arrives after its request timed out cannot be told apart from the answer to the
 * next request; the queue cannot fix that (the protocol has no ids), it only keeps the window small
 * by never overlapping requests.
 */

export type CommandFailure = 'timeout' | 'unrecognized' | 'closed';

export class NatNetCommandError extends Error {
  constructor(
    message: string,
    readonly failure: CommandFailure,
    readonly command: string,
  ) {
    super(message);
    this.name = 'NatNetCommandError';
  }
}

interface Pending {
  command: string;
  timeoutMs: number;
  attemptsLeft: number;
  attempts: number;
  resolve: (payload: Uint8Array) => void;
  reject: (error: Error) => void;
}

export class CommandQueue {
  private readonly waiting: Pending[] = [];
  private current: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unmatched = 0;

  /** `send` puts one NAT_REQUEST on the wire; it must not throw. */
  constructor(private readonly send: (command: string) => void) {}

  /** Resolves with the response payload; rejects with a NatNetCommandError. */
  request(command: string, timeoutMs: number, retries = 0): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.waiting.push({
        command,
        timeoutMs,
        attemptsLeft: 1 + Math.max(0, Math.floor(retries)),
        attempts: 0,
        resolve,
        reject,
      });
      this.next();
    });
  }

  /** A NAT_RESPONSE arrived. Returns false when no request was waiting for it. */
  onResponse(payload: Uint8Array): boolean {
    const current = this.finishCurrent();
    if (!current) return false;
    current.resolve(payload);
    return true;
  }

  /** Message 100 arrived: Motive did not know the outstanding request. */
  onUnrecognized(): boolean {
    const current = this.finishCurrent();
    if (!current) return false;
    current.reject(
      new NatNetCommandError(`Motive did not recognise '${current.command}'`, 'unrecognized', current.command),
    );
    return true;
  }

  /** Fails the outstanding request and everything queued (e.g. on close). */
  rejectAll(message: string): void {
    const all = [...(this.current ? [this.current] : []), ...this.waiting.splice(0)];
    this.current = undefined;
    clearTimeout(this.timer);
    for (const p of all)
      p.reject(new NatNetCommandError(`${message} ('${p.command}' not sent or not answered)`, 'closed', p.command));
  }

  /** Responses that arrived with no request outstanding (late answers, duplicates). */
  unmatchedResponses(): number {
    return this.unmatched;
  }

  private finishCurrent(): Pending | undefined {
    const current = this.current;
    if (!current) {
      this.unmatched++;
      return undefined;
    }
    clearTimeout(this.timer);
    this.current = undefined;
    // Let the caller see its result before the next request goes out.
    queueMicrotask(() => this.next());
    return current;
  }

  private next(): void {
    if (this.current) return;
    const p = this.waiting.shift();
    if (!p) return;
    this.current = p;
    this.attempt(p);
  }

  private attempt(p: Pending): void {
    p.attemptsLeft--;
    p.attempts++;
    this.send(p.command);
    this.timer = setTimeout(() => {
      if (this.current !== p) return;
      if (p.attemptsLeft > 0) {
        this.attempt(p);
        return;
      }
      this.current = undefined;
      const tries = p.attempts > 1 ? ` (${p.attempts} attempts)` : '';
      p.reject(
        new NatNetCommandError(
          `Motive did not answer '${p.command}' within ${p.timeoutMs} ms${tries}`,
          'timeout',
          p.command,
        ),
      );
      this.next();
    }, p.timeoutMs);
  }
}
