import { useEffect, useId, useRef, useState } from 'react';
import { ADDABLE_KINDS, DEVICE_ADDRESS_FORMS, type AddableKind } from '../../../preload/api';
import { addDevice, editDevice, type DeviceFormValues } from '../stores/device-list-actions';

const KIND_LABELS: Record<AddableKind, string> = {
  natnet: 'OptiTrack Motive (NatNet)',
  pupil: 'Pupil Labs Companion',
  vrpn: 'VRPN server',
  teleport: 'Teleport server',
};

function addressHint(kind: AddableKind): string {
  return `${DEVICE_ADDRESS_FORMS[kind].address}, e.g. ${DEVICE_ADDRESS_FORMS[kind].example}`;
}

export const EMPTY_FORM: DeviceFormValues = { kind: 'natnet', name: '', address: '', expectedRateHz: '' };

/** Add a device, or edit one (deviceId given): main checks the address per kind and says what is wrong. */
export function DeviceForm(props: { deviceId?: string; initial: DeviceFormValues; onDone: () => void }) {
  const [values, setValues] = useState(props.initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const set = (patch: Partial<DeviceFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const local = localProblem(values);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (local) {
      setError(local);
      return;
    }
    setBusy(true);
    const outcome = props.deviceId ? await editDevice(props.deviceId, values) : await addDevice(values);
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
        value={values.kind}
        onChange={(e) => set({ kind: e.target.value as AddableKind })}
        data-testid="device-form-kind"
      >
        {ADDABLE_KINDS.map((k) => (
          <option key={k} value={k}>
            {KIND_LABELS[k]}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-address`}>Address</label>
      <input
        id={`${id}-address`}
        value={values.address}
        onChange={(e) => set({ address: e.target.value })}
        placeholder={addressHint(values.kind)}
        aria-invalid={error !== null}
        aria-describedby={`${id}-hint ${id}-error`}
        data-testid="device-form-address"
        spellCheck={false}
        autoComplete="off"
      />
      <span id={`${id}-hint`} className="form-hint">
        {addressHint(values.kind)}
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

function localProblem(values: DeviceFormValues): string | null {
  if (!values.address.trim()) return 'an address is required';
  if (values.kind === 'vrpn' && !values.address.includes('@')) return 'a VRPN address is Device@host';
  const rate = values.expectedRateHz.trim();
  if (rate && !(Number(rate) > 0 && Number(rate) <= 100_000)) return 'the expected rate is a number of Hz above 0';
  return null;
}
