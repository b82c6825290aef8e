export type StatusTone = 'success' | 'danger' | 'warning' | 'info' | 'neutral';

// Each tone has a symbol as well as a colour, and the label is always in words.
const symbols: Record<StatusTone, string> = { success: '✓', danger: '✕', warning: '!', info: '●', neutral: '–' };

interface StatusBadgeProps {
  label: string;
  tone: StatusTone;
}

export function StatusBadge({ label, tone }: StatusBadgeProps) {
  return (
    <span class={`badge badge--${tone}`} data-tone={tone}>
      <span class="badge__symbol" aria-hidden="true">
        {symbols[tone]}
      </span>{' '}
      {label}
    </span>
  );
}
