/**
 * The Events panel's rows as main sends them (main/link/event-feed.ts): the last PAGE_EVENT_ROWS,
 * oldest first, with what was left out counted: by main's rate limit, and by this page's bound.
 */
import { create } from 'zustand';
import { readDeviceEventsEvent, type DeviceEventRow } from '../../../preload/api';

export const PAGE_EVENT_ROWS = 1000;

export interface EventsState {
  /** Oldest first, at most PAGE_EVENT_ROWS. */
  rows: DeviceEventRow[];
  /** Events main never sent (faster than its rate limit), as main counts them. */
  droppedByMain: number;
  /** Older rows this page let go to stay within PAGE_EVENT_ROWS. */
  droppedByPage: number;
}

export const useEventsStore = create<EventsState>()(() => ({ rows: [], droppedByMain: 0, droppedByPage: 0 }));

/** The next state after one event from main (pure, for the unit test). */
export function mergeEvents(state: EventsState, event: unknown, limit = PAGE_EVENT_ROWS): EventsState {
  const e = readDeviceEventsEvent(event);
  if (!e) return state;
  // A page that (re)connected gets main's history whole: it replaces what the page had.
  const lastId = e.replace ? 0 : (state.rows.at(-1)?.id ?? 0);
  const fresh = e.rows.filter((r) => r.id > lastId);
  const all = e.replace ? fresh : state.rows.concat(fresh);
  const over = Math.max(0, all.length - limit);
  return {
    rows: over > 0 ? all.slice(over) : all,
    droppedByMain: e.dropped,
    droppedByPage: (e.replace ? 0 : state.droppedByPage) + over,
  };
}

export function applyDeviceEvents(event: unknown): void {
  useEventsStore.setState((s) => mergeEvents(s, event));
}
