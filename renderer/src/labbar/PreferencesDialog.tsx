/**
 * Preferences in the window: recording folder (a picker in the app, a path in headless mode) with
 * its free space, theme, units and up axis, demo mode at start, alert thresholds, the network
 * interface discovery uses, and LSL's scope, known peers and demo streams. Saved by main to settings.json (validated there) and applied at once:
 * main applies its part, this page the theme and the 3D view's units and up axis.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { LSL_SCOPES, parseKnownPeers, type Preferences, type PreferencesState } from '../../../preload/api';
import { setTheme } from '../layout/theme-store';
import { loadPreferences, pickFolder, savePreferences } from '../stores/preferences-actions';
import { setSceneOptions } from '../stores/scene-view-store';

const SCOPE_NAMES: Record<Preferences['lslScope'], string> = {
  machine: 'this computer (machine)',
  link: 'the local network (link)',
  site: 'the site, across routers (site)',
};

function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'free space unknown';
  const gb = bytes / 1e9;
  return gb >= 10 ? `${gb.toFixed(0)} GB free` : `${gb.toFixed(1)} GB free`;
}

/** The page's own part of the preferences, applied after main accepted them (and at start). */
export function applyPagePreferences(p: Preferences): void {
  setTheme(p.theme);
  setSceneOptions({ units: p.units, up: p.upAxis });
}

export function PreferencesDialog(props: { onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [state, setState] = useState<PreferencesState | null>(null);
  const [draft, setDraft] = useState<Preferences | null>(null);
  const [folderText, setFolderText] = useState('');
  const [peersText, setPeersText] = useState('');
  const [peersProblem, setPeersProblem] = useState<string | null>(null);
  const peersHintId = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    void loadPreferences().then((r) => {
      if (typeof r === 'string') return setProblem(r);
      setState(r);
      setDraft(r.preferences);
      setFolderText(r.preferences.recordingFolder ?? '');
      setPeersText(r.preferences.lslKnownPeers.join('\n'));
    });
  }, []);
  const edit = (change: Partial<Preferences>) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, ...change } : d));
  };
  const save = async () => {
    if (!draft) return;
    const peers = parseKnownPeers(peersText);
    if ('error' in peers) {
      setPeersProblem(peers.error);
      return;
    }
    const preferences = {
      ...draft,
      recordingFolder: folderText.trim() ? folderText.trim() : null,
      lslKnownPeers: peers.peers,
    };
    const r = await savePreferences(preferences);
    if (typeof r === 'string') {
      setProblem(r);
      return;
    }
    setProblem(null);
    setState(r);
    setDraft(r.preferences);
    setPeersText(r.preferences.lslKnownPeers.join('\n'));
    applyPagePreferences(r.preferences);
    setSaved(true);
  };
  return (
    <dialog
      ref={ref}
      className="preferences"
      aria-labelledby="preferences-title"
      data-testid="preferences"
      onClose={props.onClose}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="panel-header">
          <h2 id="preferences-title">Preferences</h2>
          <button type="button" onClick={() => ref.current?.close()} data-testid="preferences-close">
            Close (Esc)
          </button>
        </div>
        {!draft || !state ? (
          <p className="empty">{problem ?? 'Reading the preferences…'}</p>
        ) : (
          <div className="preferences-grid">
            <Field
              label="Recording folder"
              hint={`${state.recordingFolder.path} · ${formatBytes(state.recordingFolder.freeBytes)}`}
            >
              {(id) => (
                <span className="folder-row">
                  <input
                    id={id}
                    type="text"
                    value={folderText}
                    placeholder={state.recordingFolder.path}
                    onChange={(e) => {
                      setSaved(false);
                      setFolderText(e.target.value);
                    }}
                    data-testid="pref-folder"
                  />
                  {state.canPickFolder ? (
                    <button
                      type="button"
                      onClick={() =>
                        void pickFolder().then((r) => {
                          if (r && typeof r === 'object') setProblem(r.error);
                          else if (r) setFolderText(r);
                        })
                      }
                    >
                      Choose…
                    </button>
                  ) : null}
                </span>
              )}
            </Field>
            <Field label="Theme">
              {(id) => (
                <select
                  id={id}
                  value={draft.theme}
                  onChange={(e) => edit({ theme: e.target.value as Preferences['theme'] })}
                  data-testid="pref-theme"
                >
                  <option value="system">System</option>
                  <option value="dark">Dark</option>
                  <option value="light">Light</option>
                </select>
              )}
            </Field>
            <Field label="Units">
              {(id) => (
                <select
                  id={id}
                  value={draft.units}
                  onChange={(e) => edit({ units: e.target.value as Preferences['units'] })}
                  data-testid="pref-units"
                >
                  <option value="m">metres</option>
                  <option value="mm">millimetres</option>
                </select>
              )}
            </Field>
            <Field label="Up axis">
              {(id) => (
                <select
                  id={id}
                  value={draft.upAxis}
                  onChange={(e) => edit({ upAxis: e.target.value as Preferences['upAxis'] })}
                  data-testid="pref-up"
                >
                  <option value="y">Y up</option>
                  <option value="z">Z up</option>
                </select>
              )}
            </Field>
            <Field label="Demo mode at start" hint="when no device is configured; applies at the next start">
              {(id) => (
                <input
                  id={id}
                  type="checkbox"
                  checked={draft.demoAtStart}
                  onChange={(e) => edit({ demoAtStart: e.target.checked })}
                  data-testid="pref-demo"
                />
              )}
            </Field>
            <Field label="Stale after (frame periods)" hint="a device with no sample for this many of its own periods">
              {(id) => (
                <input
                  id={id}
                  type="number"
                  min={2}
                  max={100}
                  value={draft.staleFramePeriods}
                  onChange={(e) => edit({ staleFramePeriods: Math.round(Number(e.target.value)) })}
                  data-testid="pref-stale"
                />
              )}
            </Field>
            <Field label="Rate floor (%)" hint="alert when a device runs under this share of its expected rate">
              {(id) => (
                <input
                  id={id}
                  type="number"
                  min={10}
                  max={99}
                  value={draft.rateFloorPercent}
                  onChange={(e) => edit({ rateFloorPercent: Math.round(Number(e.target.value)) })}
                  data-testid="pref-floor"
                />
              )}
            </Field>
            <Field label="Network interface" hint="for discovery and multicast">
              {(id) => (
                <select
                  id={id}
                  value={draft.networkInterface ?? ''}
                  onChange={(e) => edit({ networkInterface: e.target.value || null })}
                  data-testid="pref-interface"
                >
                  <option value="">every interface</option>
                  {state.interfaces.map((i) => (
                    <option key={`${i.name}|${i.address}`} value={i.address}>
                      {i.name} ({i.address})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              label="LSL scope"
              hint="where LSL discovery asks and Sightline's outlets answer; demo mode stays on this computer"
            >
              {(id) => (
                <select
                  id={id}
                  value={draft.lslScope}
                  onChange={(e) => edit({ lslScope: e.target.value as Preferences['lslScope'] })}
                  data-testid="pref-lsl-scope"
                >
                  {LSL_SCOPES.map((scope) => (
                    <option key={scope} value={scope}>
                      {SCOPE_NAMES[scope]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="LSL known peers">
              {(id) => (
                <>
                  <textarea
                    id={id}
                    rows={3}
                    value={peersText}
                    spellCheck={false}
                    placeholder="eeg-pc or 192.168.1.50"
                    aria-invalid={peersProblem !== null}
                    aria-describedby={peersHintId}
                    onChange={(e) => {
                      setSaved(false);
                      setPeersText(e.target.value);
                      const parsed = parseKnownPeers(e.target.value);
                      setPeersProblem('error' in parsed ? parsed.error : null);
                    }}
                    data-testid="pref-lsl-peers"
                  />
                  <div
                    id={peersHintId}
                    className={peersProblem ? 'form-error' : 'pref-hint'}
                    data-testid="pref-lsl-peers-hint"
                  >
                    {peersProblem
                      ? `⚠ ${peersProblem}`
                      : 'PCs asked directly where multicast does not reach: host names or IPv4 addresses, one per line'}
                  </div>
                </>
              )}
            </Field>
            <Field
              label="Demo LSL streams"
              hint="in demo mode, a simulated EEG stream and its markers; they start and stop at once"
            >
              {(id) => (
                <input
                  id={id}
                  type="checkbox"
                  checked={draft.demoLsl}
                  onChange={(e) => edit({ demoLsl: e.target.checked })}
                  data-testid="pref-demo-lsl"
                />
              )}
            </Field>
          </div>
        )}
        {problem && draft ? (
          <p className="form-error" role="alert" data-testid="pref-error">
            ⚠ {problem}
          </p>
        ) : null}
        <div className="preferences-actions">
          <span aria-live="polite" data-testid="pref-saved">
            {saved ? 'Saved and applied.' : ''}
          </span>
          <button type="submit" disabled={!draft || peersProblem !== null} data-testid="pref-save">
            Save
          </button>
        </div>
      </form>
    </dialog>
  );
}

function Field(props: { label: string; hint?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{props.label}</label>
      <div>
        {props.children(id)}
        {props.hint ? <div className="pref-hint">{props.hint}</div> : null}
      </div>
    </>
  );
}
