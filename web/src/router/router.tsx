import type { ComponentChildren, ComponentType, TargetedMouseEvent } from 'preact';
import type { MessageKey } from '../i18n/catalogue';
import { useEffect, useState } from 'preact/hooks';

// A deliberately tiny history router: real URLs (/workshops), links that stay in the page, and
// the back button. The backend answers every client route with index.html.

const listeners = new Set<() => void>();

/** "/workshops/" and "/workshops" are the same page. */
export function normalisePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** A path segment decoded; one with a malformed escape is taken as written. */
export function decodeSegment(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function currentPath(): string {
  return normalisePath(window.location.pathname);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.href);
  if (url.origin !== window.location.origin) {
    window.location.assign(url.href);
    return;
  }
  if (options.replace) {
    window.history.replaceState(null, '', url.href);
  } else {
    window.history.pushState(null, '', url.href);
  }
  listeners.forEach((listener) => listener());
}

/** The current path; re-renders the caller whenever it changes. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    window.addEventListener('popstate', update);
    update();
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

interface LinkProps {
  href: string;
  children: ComponentChildren;
  class?: string;
  id?: string;
}

/** An anchor that navigates inside the app and marks itself as the current page. */
export function Link({ href, children, ...rest }: LinkProps) {
  const path = usePath();
  const isCurrent = normalisePath(href) === path;

  const handleClick = (event: TargetedMouseEvent<HTMLAnchorElement>) => {
    // Let the browser handle new-tab and download gestures.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    if (!isCurrent) {
      navigate(href);
    }
  };

  return (
    <a {...rest} href={href} aria-current={isCurrent ? 'page' : undefined} onClick={handleClick}>
      {children}
    </a>
  );
}

/** A page with a parameter in its path, reached from links rather than the navigation. */
export interface PatternRoute {
  matches: (path: string) => boolean;
  titleKey: MessageKey;
  page: ComponentType;
  /** Only people with one of these roles see the page; public pages behind emailed links leave it out. */
  roles?: readonly string[];
}
