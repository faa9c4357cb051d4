import { stateTone, type ConnectionStateName } from './state-style';

export function StateBadge(props: { state: ConnectionStateName; testId?: string }) {
  return (
    <span className={`state-badge tone-${stateTone(props.state)}`} data-testid={props.testId} data-state={props.state}>
      <span className="dot" />
      {props.state}
    </span>
  );
}
