import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n/I18nProvider';

export interface TimelineEvent {
  id: string;
  time: Date | null;
  title: ComponentChildren;
  detail?: ComponentChildren;
}

interface TimelineProps {
  events: readonly TimelineEvent[];
  label: string;
  emptyText: string;
  /** Defaults to the reader's own time zone. */
  timeZone?: string;
}

/** Events in order, each with a machine-readable time shown in the reader's locale and time zone. */
export function Timeline({ events, label, emptyText, timeZone }: TimelineProps) {
  const { formatDateTime } = useI18n();
  if (events.length === 0) {
    return <p class="timeline__empty">{emptyText}</p>;
  }
  return (
    <ol class="timeline" aria-label={label}>
      {events.map((event) => (
        <li key={event.id} class="timeline__event">
          {event.time && !Number.isNaN(event.time.getTime()) && (
            <time class="timeline__time" dateTime={event.time.toISOString()}>
              {formatDateTime(event.time, { dateStyle: 'medium', timeStyle: 'medium', timeZone })}
            </time>
          )}
          <div class="timeline__title">{event.title}</div>
          {event.detail && <div class="timeline__detail">{event.detail}</div>}
        </li>
      ))}
    </ol>
  );
}
