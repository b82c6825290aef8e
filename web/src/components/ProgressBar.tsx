import { useId } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider';

interface ProgressBarProps {
  label: string;
  value: number;
  max: number;
}

/** A native progress bar with its label and "n of N" in words beside it. */
export function ProgressBar({ label, value, max }: ProgressBarProps) {
  const { t } = useI18n();
  const id = useId();
  const safeMax = max > 0 ? max : 1;
  const safeValue = Math.min(Math.max(value, 0), safeMax);
  const text = t('progress.nOfN', { value, max });
  return (
    <div class="progress">
      <label class="progress__label" for={id}>
        {label}
      </label>
      <progress id={id} value={safeValue} max={safeMax} aria-valuetext={text} />
      <span class="progress__text" aria-hidden="true">
        {text}
      </span>
    </div>
  );
}
