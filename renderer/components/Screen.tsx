import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

/**
 * One screen's frame: its heading takes focus when the officer navigates to it, so a screen
 * reader announces where they are and Tab continues from the top of the new screen.
 */
export function Screen({
  id,
  title,
  focusOnMount,
  children,
  className,
}: {
  id: string;
  title: string;
  focusOnMount: boolean;
  children: ReactNode;
  className?: string;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnMount) heading.current?.focus();
  }, [focusOnMount]);
  return (
    <section className={`screen ${className ?? ''}`} aria-labelledby={`${id}-title`} data-testid={`screen-${id}`}>
      <h1 id={`${id}-title`} className="screen__title" tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </section>
  );
}
