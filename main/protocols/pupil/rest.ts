/**
 * The Companion REST API (protocol notes, docs/protocols/pupil.md §1): status, recording control, events and
 * templates. Every answer is checked against the `{message, result}` envelope (zod); a refusal
 * becomes a PupilApiError carrying the phone's own reason; a body that is not JSON and a timeout
 * each give a clear message of their own.
 */
import { z } from 'zod';
import { parseComponent, type StatusComponent } from './status';

export class PupilApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, when the phone answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PupilApiError';
  }
}

const Envelope = z.object({ message: z.string().max(10_000), result: z.unknown().optional() });

export const RecordingStartResult = z.looseObject({ id: z.string() });
export const RecordingStopResult = z.looseObject({ id: z.string(), rec_duration_ns: z.number() });
export const EventResult = z.looseObject({
  name: z.string().nullish(),
  timestamp: z.number(),
  recording_id: z.string().nullish(),
});
export const TemplateDataResult = z.record(z.string(), z.array(z.string()));

export type EventReply = z.infer<typeof EventResult> & { name: string };

/** Default timeouts: the official monitor allows 500 ms for start and events, 1 s for stop (docs/protocols/pupil.md §1.3); we allow more. */
const DEFAULT_TIMEOUT_MS = 3000;
const MAX_BODY = 1024 * 1024;

export class PupilRestClient {
  readonly base: string;

  constructor(
    host: string,
    port = 8080,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** Every component of `GET /api/status`; unknown or bad ones are left out (and counted by the caller). */
  async status(): Promise<{ components: StatusComponent[]; skipped: number }> {
    const result = await this.call('GET', '/api/status', undefined, 'status');
    if (!Array.isArray(result)) throw new PupilApiError('status: the phone did not send a list of components');
    const components: StatusComponent[] = [];
    let skipped = 0;
    for (const item of result.slice(0, 1000)) {
      const c = parseComponent(item);
      if ('error' in c) skipped++;
      else components.push(c);
    }
    return { components, skipped };
  }

  async recordingStart(): Promise<{ id: string }> {
    return this.typed('POST', '/api/recording:start', RecordingStartResult, 'start recording');
  }

  async recordingStopAndSave(): Promise<{ id: string; rec_duration_ns: number }> {
    return this.typed('POST', '/api/recording:stop_and_save', RecordingStopResult, 'stop and save');
  }

  async recordingCancel(): Promise<{ id: string }> {
    return this.typed('POST', '/api/recording:cancel', RecordingStartResult, 'cancel recording');
  }

  /** Sends an event; `timestampNs` is Unix ns on the PHONE's clock (convert host time first). */
  async event(name: string, timestampNs?: number): Promise<EventReply> {
    const body: { name: string; timestamp?: number } = { name };
    if (timestampNs !== undefined) body.timestamp = Math.round(timestampNs);
    const r = await this.typed('POST', '/api/event', EventResult, 'send event', body);
    // The phone does not return the name (docs/protocols/pupil.md §1.3).
    return { ...r, name: r.name ?? name };
  }

  templateDefinition(): Promise<unknown> {
    return this.call('GET', '/api/template_def', undefined, 'template definition');
  }

  async templateData(): Promise<Record<string, string[]>> {
    return this.typed('GET', '/api/template_data', TemplateDataResult, 'template data');
  }

  private async typed<T>(method: string, path: string, schema: z.ZodType<T>, what: string, body?: unknown): Promise<T> {
    const result = await this.call(method, path, body, what);
    const parsed = schema.safeParse(result);
    if (!parsed.success)
      throw new PupilApiError(`${what}: unexpected answer from the phone (${parsed.error.issues[0]?.message})`);
    return parsed.data;
  }

  /** One call; returns the envelope's `result`. */
  async call(method: string, path: string, body?: unknown, what = `${method} ${path}`): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      if (err.name === 'TimeoutError' || err.name === 'AbortError')
        throw new PupilApiError(`${what}: the phone did not answer within ${this.timeoutMs} ms`);
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new PupilApiError(
        `${what}: cannot reach the phone at ${this.base} (${cause?.code ?? cause?.message ?? err.message})`,
      );
    }
    const text = await readLimited(response, MAX_BODY);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const snippet = text.trim().slice(0, 200) || '(empty body)';
      throw new PupilApiError(
        response.ok
          ? `${what}: the phone's answer is not JSON: ${snippet}`
          : `${what}: refused by the phone (HTTP ${response.status}): ${snippet}`,
        response.status,
      );
    }
    const envelope = Envelope.safeParse(json);
    if (!envelope.success)
      throw new PupilApiError(`${what}: the phone's answer has no {message, result} envelope`, response.status);
    if (!response.ok)
      throw new PupilApiError(`${what}: ${envelope.data.message || `HTTP ${response.status}`}`, response.status);
    return envelope.data.result;
  }
}

async function readLimited(response: Response, max: number): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > max) {
    await response.body?.cancel();
    throw new PupilApiError(`the phone's answer is too large (${length} bytes)`);
  }
  const buffer = await response.arrayBuffer();
  if (buffer.byteLength > max) throw new PupilApiError(`the phone's answer is too large (${buffer.byteLength} bytes)`);
  return new TextDecoder().decode(buffer);
}
