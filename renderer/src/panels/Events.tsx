import { memo, useEffect, useId, useRef, useState } from 'react';
import type { DeviceEventRow } from '../../../preload/api';
import { useEventsStore } from '../stores/events-store';
import { clockTime, deviceLag, eventDevices, visibleEvents, type EventFilter } from './event-rows';
import { formatCount } from './format';
import { Panel } from './Panel';

/** Scrolled further than this from the top, the operator is reading: the list holds still. */
const READING_PX = 8;

/**
 * Every device's events, newest first (LSL string markers, VRPN buttons and dials, Pupil events, the
 * operator's events, the recording's start and stop): filter by device and text. While the operator
 * reads (scrolled down, or paused), the list holds still and says how many new events wait.
 */
export function EventsPanel() {
  const live = useEventsStore((s) => s.rows);
  const droppedByMain = useEventsStore((s) => s.droppedByMain);
  const droppedByPage = useEventsStore((s) => s.droppedByPage);
  const [filter, setFilter] = useState<EventFilter>({ device: '', text: '' });
  const [paused, setPaused] = useState(false);
  const [reading, setReading] = useState(false);
  const [frozen, setFrozen] = useState<DeviceEventRow[] | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const deviceId = useId();
  const textId = useId();
  const holding = paused || reading;
  useEffect(() => {
    // The rows at the moment the operator started reading; released when they go back to the newest.
    setFrozen(holding ? useEventsStore.getState().rows : null);
  }, [holding]);
  const rows = frozen ?? live;
  const shown = visibleEvents(rows, filter);
  const lastShownId = rows.at(-1)?.id ?? 0;
  const waiting = frozen ? visibleEvents(live, filter).filter((r) => r.id > lastShownId).length : 0;
  const devices = eventDevices(live);
  const showNewest = (): void => {
    setPaused(false);
    setReading(false);
    list.current?.scrollTo({ top: 0 });
  };
  return (
    <Panel title="Events" testId="events-panel" scroll>
      <div className="events-tools">
        <label htmlFor={deviceId}>Device</label>
        <select
          id={deviceId}
          value={filter.device}
          onChange={(e) => setFilter((f) => ({ ...f, device: e.target.value }))}
          data-testid="events-device"
        >
          <option value="">All devices</option>
          {devices.map((d) => (
            <option key={d.key} value={d.key}>
              {d.name}
            </option>
          ))}
        </select>
        <label htmlFor={textId}>Filter</label>
        <input
          id={textId}
          type="search"
          value={filter.text}
          placeholder="text in the event"
          onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value }))}
          data-testid="events-filter"
        />
        <button
          type="button"
          aria-pressed={paused}
          onClick={() => (paused ? showNewest() : setPaused(true))}
          data-testid="events-pause"
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      <p className="events-status" data-testid="events-status">
        {/* The count is said at the top of the list, not over the panel's own tools at the top right. */}
        <span data-testid="events-count">
          {formatCount(live.length)} {live.length === 1 ? 'event' : 'events'}
        </span>
        {waiting > 0 ? (
          <button type="button" className="events-newer" onClick={showNewest} data-testid="events-newer">
            {formatCount(waiting)} new — show newest
          </button>
        ) : null}
        {droppedByMain > 0 ? (
          <span data-testid="events-dropped-main">
            {formatCount(droppedByMain)} not shown (faster than the window takes them; all are recorded)
          </span>
        ) : null}
        {droppedByPage > 0 ? (
          <span data-testid="events-dropped-page">{formatCount(droppedByPage)} older rows let go</span>
        ) : null}
      </p>
      <div
        ref={list}
        className="events-list"
        tabIndex={0}
        role="region"
        aria-label="Events, newest first"
        onScroll={(e) => setReading(e.currentTarget.scrollTop > READING_PX)}
        data-testid="events-list"
      >
        {shown.length === 0 ? (
          <p className="empty">{live.length === 0 ? 'No events yet.' : 'No event matches the filter.'}</p>
        ) : (
          <table className="events-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Device</th>
                <th scope="col">Event</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <EventRow key={r.id} row={r} />
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Panel>
  );
}

const EventRow = memo(function EventRow({ row }: { row: DeviceEventRow }) {
  const lag = deviceLag(row);
  return (
    <tr data-testid="event-row" data-device-id={row.deviceId ?? ''} data-source={row.source}>
      <td className="events-time">
        <time dateTime={new Date(row.atMs).toISOString()}>{clockTime(row.atMs)}</time>
        {lag !== null && row.deviceTimeMs !== null ? (
          <span className="events-device-time" title={`device time against arrival: ${lag}`}>
            device {clockTime(row.deviceTimeMs)}
          </span>
        ) : null}
      </td>
      <td className="events-device">{row.device}</td>
      <td className="events-text">
        {row.text}
        {row.value !== null ? <span className="events-value"> · {row.value}</span> : null}
      </td>
    </tr>
  );
});
