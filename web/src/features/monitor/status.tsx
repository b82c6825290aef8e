import { StatusBadge, type StatusTone } from '../../components/StatusBadge';
import { useI18n } from '../../i18n/I18nProvider';
import { isMessageKey } from '../../i18n/catalogue';

const tones: Record<string, StatusTone> = {
  Pending: 'neutral',
  Running: 'info',
  Completed: 'success',
  ContinuedAsNew: 'info',
  Failed: 'danger',
  Canceled: 'warning',
  Terminated: 'warning',
  Suspended: 'warning',
};

export function useStatusLabel(): (status: string) => string {
  const { t } = useI18n();
  return (status) => {
    const key = `monitor.status.${status}`;
    return isMessageKey(key) ? t(key) : status;
  };
}

export function OrchestrationStatusBadge({ status }: { status: string }) {
  const label = useStatusLabel();
  return <StatusBadge label={label(status)} tone={tones[status] ?? 'neutral'} />;
}
