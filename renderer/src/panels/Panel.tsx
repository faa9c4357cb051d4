import type { ReactNode } from 'react';

/** `scroll`: the panel takes the column's spare height and scrolls inside it, keeping the panels below in view. */
export function Panel(props: {
  title: string;
  aside?: ReactNode;
  children: ReactNode;
  testId?: string;
  scroll?: boolean;
}) {
  return (
    <section className={props.scroll ? 'panel panel-scroll' : 'panel'} data-testid={props.testId}>
      <header className="panel-header">
        <h2>{props.title}</h2>
        {props.aside}
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}
