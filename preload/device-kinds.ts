/**
 * The device kinds this process knows, as the window sees them. Main fills it from its registry of
 * kinds (main/protocols/registry.ts); the renderer from the link's 'kinds' event. Part of the contract
 * (re-exported by api.ts); apart so the validators (api-schemas.ts) can read it without a cycle.
 */

/** How the Add-device form reads one kind's address (declared by the kind's descriptor in main). */
export interface KindAddressForm {
  /** The field's name for this kind, e.g. "Motive address". */
  address: string;
  example: string;
  /** The address names devices before an '@' (VRPN: Tracker0@host); other kinds refuse an '@'. */
  namesDevices?: boolean;
  /** Checked in the form before main sees it: the address must match `pattern` (a RegExp source). */
  check?: { pattern: string; message: string };
}

/**
 * A device kind as the window knows it. Main builds the list from its registry of kinds
 * (main/protocols/registry.ts) and sends it first on every link ('kinds' event), so the device form,
 * list and alerts name no kind of their own.
 */
export interface DeviceKindInfo {
  kind: string;
  /** Short name in rows and messages, e.g. "Motive". */
  name: string;
  /** In the form's kind list, e.g. "OptiTrack Motive (NatNet)". */
  label: string;
  /** Offered by the Add-device form (a played-back recording is not). */
  addable: boolean;
  /** The client's first step is finding its server: the row says "searching" while it connects. */
  searchesFirst: boolean;
  form: KindAddressForm | null;
}

let knownKinds = new Map<string, DeviceKindInfo>();

/** Sets the kinds this process knows (main: from its registry at start; renderer: from the 'kinds' event). */
export function setDeviceKinds(infos: readonly DeviceKindInfo[]): void {
  knownKinds = new Map(infos.map((k) => [k.kind, k]));
}

/** Every known kind, in registry order. */
export function deviceKinds(): DeviceKindInfo[] {
  return [...knownKinds.values()];
}

export function deviceKindInfo(kind: string): DeviceKindInfo | undefined {
  return knownKinds.get(kind);
}
