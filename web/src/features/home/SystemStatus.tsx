import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { isMessageKey } from '../../i18n/catalogue';
import { fetchHealth, type HealthCheck, type HealthReport } from './health';

type State =
  | { kind: 'loading' }
  | { kind: 'loaded'; report: HealthReport; at: Date }
  | { kind: 'failed'; at: Date };

// Each state has a word and a symbol, so it never rests on colour alone.
const symbols: Record<string, string> = { Healthy: '✓', Degraded: '!', Unhealthy: '✕' };

/** Shows `GET /api/health` in words; the summary line is a polite live region. */
export function SystemStatus() {
  const { t, formatTime } = useI18n();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const current = useRef<AbortController | null>(null);

  const load = useCallback(() => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    setState({ kind: 'loading' });
    fetchHealth(controller.signal).then(
      (report) => {
        if (!controller.signal.aborted) {
          setState({ kind: 'loaded', report, at: new Date() });
        }
      },
      () => {
        if (!controller.signal.aborted) {
          setState({ kind: 'failed', at: new Date() });
        }
      },
    );
  }, []);

  useEffect(() => {
    load();
    return () => current.current?.abort();
  }, [load]);

  const summary =
    state.kind === 'loading'
      ? t('status.checking')
      : state.kind === 'failed'
        ? t('status.unavailable')
        : state.report.status === 'Healthy'
          ? t('status.healthy')
          : t('status.unhealthy');

  const checkName = (check: HealthCheck) => {
    const key = `status.check.${check.name}`;
    return isMessageKey(key) ? t(key) : check.name;
  };
  const stateWord = (status: string) => {
    const key = `status.state.${status}`;
    return isMessageKey(key) ? t(key) : status;
  };

  return (
    <section class="status-panel" aria-labelledby="status-heading">
      <h2 id="status-heading">{t('status.heading')}</h2>
      <p class="status-summary" role="status" data-state={state.kind === 'loaded' ? state.report.status : state.kind}>
        {summary}
      </p>
      {state.kind === 'loaded' && state.report.checks.length > 0 && (
        <ul class="status-checks">
          {state.report.checks.map((check) => (
            <li key={check.name} class="status-check" data-check={check.name} data-state={check.status}>
              <span class="status-check__name">{checkName(check)}</span>
              <span class={`status-badge status-badge--${check.status.toLowerCase()}`}>
                <span aria-hidden="true">{symbols[check.status] ?? '?'}</span> {stateWord(check.status)}
              </span>
              {check.description && (
                <span class="status-check__description" dir="auto">
                  {check.description}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {state.kind !== 'loading' && <p class="status-time">{t('status.checkedAt', { time: formatTime(state.at) })}</p>}
      <button type="button" class="button" onClick={load}>
        {t('status.refresh')}
      </button>
    </section>
  );
}
