import { useEffect, useId, useRef, useState } from 'react';
import type { DeviceKindInfo } from '../../../preload/api';
import { useAppStore } from '../stores/app-store';
import { addDevice, editDevice, type DeviceFormValues } from '../stores/device-list-actions';

function addressHint(kind: DeviceKindInfo | undefined): string {
  return kind?.form ? `${kind.form.address}, e.g. ${kind.form.example}` : '';
}

/** A new device: the first kind main offers (its registry order) once the form opens. */
export const EMPTY_FORM: DeviceFormValues = { kind: '', name: '', address: '', expectedRateHz: '' };

/** Add a device, or edit one (deviceId given): main checks the address per kind and says what is wrong. */
export function DeviceForm(props: { deviceId?: string; initial: DeviceFormValues; onDone: () => void }) {
  // Every kind main can add, as its registry describes them: the form names none of its own.
  const kinds = useAppStore((s) => s.kinds).filter((k) => k.addable);
  const [values, setValues] = useState(props.initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const set = (patch: Partial<DeviceFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const kind = kinds.find((k) => k.kind === values.kind) ?? kinds[0];
  const local = localProblem(values, kind);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (local) {
      setError(local);
      return;
    }
    setBusy(true);
    const filled = { ...values, kind: kind!.kind };
    const outcome = props.deviceId ? await editDevice(props.deviceId, filled) : await addDevice(filled);
    setBusy(false);
    if (outcome === null) props.onDone();
    else setError(outcome);
  };

  return (
    <form
      className="device-form"
      onSubmit={(e) => void submit(e)}
      aria-label={props.deviceId ? `Edit ${props.deviceId}` : 'Add a device'}
      data-testid="device-form"
    >
      <label htmlFor={`${id}-kind`}>Kind</label>
      <select
        id={`${id}-kind`}
        ref={first}
        value={kind?.kind ?? ''}
        onChange={(e) => set({ kind: e.target.value })}
        data-testid="device-form-kind"
      >
        {kinds.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.label}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-address`}>Address</label>
      <input
        id={`${id}-address`}
        value={values.address}
        onChange={(e) => set({ address: e.target.value })}
        placeholder={addressHint(kind)}
        aria-invalid={error !== null}
        aria-describedby={`${id}-hint ${id}-error`}
        data-testid="device-form-address"
        spellCheck={false}
        autoComplete="off"
      />
      <span id={`${id}-hint`} className="form-hint">
        {addressHint(kind)}
      </span>
      <label htmlFor={`${id}-name`}>Name (optional)</label>
      <input
        id={`${id}-name`}
        value={values.name}
        onChange={(e) => set({ name: e.target.value })}
        data-testid="device-form-name"
        maxLength={200}
      />
      <label htmlFor={`${id}-rate`}>Expected rate, Hz (optional)</label>
      <input
        id={`${id}-rate`}
        value={values.expectedRateHz}
        onChange={(e) => set({ expectedRateHz: e.target.value })}
        inputMode="decimal"
        data-testid="device-form-rate"
      />
      <p id={`${id}-error`} className="form-error" role="alert" data-testid="device-form-error">
        {error ? `⚠ ${error}` : ''}
      </p>
      <div className="form-actions">
        <button type="submit" disabled={busy} data-testid="device-form-submit">
          {props.deviceId ? 'Save' : 'Add device'}
        </button>
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function localProblem(values: DeviceFormValues, kind: DeviceKindInfo | undefined): string | null {
  if (!kind) return 'no kind of device to add yet';
  if (!values.address.trim()) return 'an address is required';
  const check = kind.form?.check;
  if (check && !new RegExp(check.pattern).test(values.address)) return check.message;
  const rate = values.expectedRateHz.trim();
  if (rate && !(Number(rate) > 0 && Number(rate) <= 100_000)) return 'the expected rate is a number of Hz above 0';
  return null;
}
