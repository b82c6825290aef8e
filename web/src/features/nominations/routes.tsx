import type { ComponentType } from 'preact';
import type { MessageKey } from '../../i18n/catalogue';

/** A page of the nominations track with a parameter in its path, reached from links rather than the navigation. */
export interface NominationsPatternRoute {
  matches: (path: string) => boolean;
  titleKey: MessageKey;
  page: ComponentType;
  /** Only people with one of these roles see the page; public pages behind emailed links leave it out. */
  roles?: readonly string[];
}

export const nominationsPatternRoutes: readonly NominationsPatternRoute[] = [];
