import type { ReactNode } from 'react';

/** A dashboard card: an article labelled by its own heading. */
export function Card({
  id,
  title,
  wide,
  children,
}: {
  id: string;
  title: string;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <article className={wide ? 'card card-wide' : 'card'} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </article>
  );
}
