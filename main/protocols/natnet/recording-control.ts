/**
 * The operator's record buttons for Motive (docs/protocols/natnet.md §7 "Recommended operator flow"):
 * SetRecordTakeName, LiveMode if Motive is in Edit mode, then StartRecording / StopRecording.
 *
 * Requests are plain UDP without ids, so a lost reply is indistinguishable from a lost request.
 * The frames settle it: params bit 0 shows whether Motive records. The action is confirmed by the
 * response or by that flag, whichever comes first, and Start/Stop is sent again only when neither
 * came — a blind resend could stop a recording that had in fact started.
 */
import type { RecordingControl } from '../../hub/source';
import { responseAsInt32 } from './codec';
import { NatNetCommandError } from './command-queue';

/** What the recording control needs from the client. */
export interface RecordingLink {
  sendCommand(command: string, options?: { retries?: number }): Promise<Uint8Array>;
  /** Motive's recording state as the latest frame shows it; undefined before the first frame. */
  recordingFlag(): boolean | undefined;
  editMode(): boolean;
  /** Resolves true when frames show `on`, false if the connection closes first; stop() forgets it. */
  watchRecordingFlag(on: boolean): { reached: Promise<boolean>; stop(): void };
  commandTimeoutMs: number;
  /** After an unanswered request, how long the flag may take to show the change. */
  flagGraceMs: number;
}

const SENDS = 2;

export function natnetRecordingControl(link: RecordingLink): RecordingControl {
  return {
    start: (takeName?: string) => changeRecording(link, true, takeName),
    stop: () => changeRecording(link, false),
  };
}

async function changeRecording(link: RecordingLink, on: boolean, takeName?: string): Promise<void> {
  const verb = on ? 'StartRecording' : 'StopRecording';
  if (takeName !== undefined) {
    if (/[,\0]/.test(takeName)) throw new Error(`take name ${JSON.stringify(takeName)} cannot contain commas or NUL`);
    // Naming is idempotent, so retrying it is safe.
    await link.sendCommand(`SetRecordTakeName,${takeName}`, { retries: 2 });
  }
  if (link.recordingFlag() === on) return;
  // Motive records live data only.
  if (on && link.editMode()) await link.sendCommand('LiveMode', { retries: 2 });

  for (let send = 1; send <= SENDS; send++) {
    const flag = link.watchRecordingFlag(on);
    const outcome = await Promise.race([
      link.sendCommand(verb).then(
        (payload) => ({ kind: 'response' as const, status: responseAsInt32(payload) }),
        (error: unknown) => ({ kind: 'error' as const, error }),
      ),
      flag.reached.then((reached) => ({ kind: reached ? ('flag' as const) : ('closed' as const) })),
    ]);
    switch (outcome.kind) {
      case 'flag':
        return;
      case 'closed':
        throw new Error(`connection to Motive closed before it confirmed ${verb}`);
      case 'response':
        flag.stop();
        // A non-int32 answer is not a refusal: the SDK header documents no payload for these.
        if (outcome.status === undefined || outcome.status === 0) return;
        throw new Error(`Motive refused ${verb} (status ${outcome.status})`);
      case 'error':
        if (!(outcome.error instanceof NatNetCommandError) || outcome.error.failure !== 'timeout') {
          flag.stop();
          throw outcome.error;
        }
    }
    const reached = await Promise.race([flag.reached, delay(link.flagGraceMs).then(() => false)]);
    flag.stop();
    if (reached) return;
  }
  throw new Error(
    `Motive did not confirm ${verb}: no response and the recording flag did not change (sent ${SENDS} times, ` +
      `${link.commandTimeoutMs} ms for the response and ${link.flagGraceMs} ms for the flag each time)`,
  );
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
