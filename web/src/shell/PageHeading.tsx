import type { ComponentChildren } from 'preact';

export const pageHeadingId = 'page-heading';

/**
 * The page's one h1. It can take focus (tabIndex -1) so that after a client-side navigation the
 * shell moves focus here and a screen reader announces the new page.
 */
export function PageHeading({ children }: { children: ComponentChildren }) {
  return (
    <h1 id={pageHeadingId} tabIndex={-1}>
      {children}
    </h1>
  );
}
