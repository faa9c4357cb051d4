/** One labelled number. `value` goes into data-value so tests read the number, not its formatting. */
export function Metric(props: {
  label: string;
  text: string;
  value?: number | null;
  testId?: string;
  tone?: 'warn' | 'bad';
  title?: string;
  /** Spans the whole row (longer text). */
  wide?: boolean;
}) {
  const classes = `metric${props.tone ? ` metric-${props.tone}` : ''}${props.wide ? ' metric-wide' : ''}`;
  return (
    <div className={classes} title={props.title}>
      <span className="metric-label">{props.label}</span>
      <span className="metric-value" data-testid={props.testId} data-value={props.value ?? ''}>
        {props.text}
      </span>
    </div>
  );
}
