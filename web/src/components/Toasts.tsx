import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider';

export type ToastKind = 'info' | 'success' | 'error';

interface Toast {
  id: number;
  message: string;
  kind: ToastKind;
}

interface ToastApi {
  show: (message: string, kind?: ToastKind) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

/** How long an information or success message stays; errors stay until dismissed. */
export const toastTimeoutMs = 8000;

/**
 * Short messages in a polite live region that is always in the page (so the first message is
 * announced too). Errors stay until the reader dismisses them.
 */
export function ToastProvider({ children }: { children: ComponentChildren }) {
  const { t } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((list) => list.filter((toast) => toast.id !== id));
  }, []);

  const show = useCallback(
    (message: string, kind: ToastKind = 'info') => {
      const id = nextId.current++;
      setToasts((list) => [...list, { id, message, kind }]);
      if (kind !== 'error') {
        timers.current.set(
          id,
          setTimeout(() => dismiss(id), toastTimeoutMs),
        );
      }
    },
    [dismiss],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);

  const api = useMemo(() => ({ show }), [show]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      {/* A bare polite live region (not role=status, so it never competes with a page's own
          status line); the hidden heading names it for readers who find it by browsing. */}
      <div class="toasts" aria-live="polite" aria-relevant="additions text">
        {toasts.length > 0 && <h2 class="visually-hidden">{t('toast.region')}</h2>}
        {toasts.map((toast) => (
          <div key={toast.id} class={`toast toast--${toast.kind}`}>
            <span class="toast__symbol" aria-hidden="true">
              {toast.kind === 'error' ? '✕' : toast.kind === 'success' ? '✓' : 'i'}
            </span>
            <p class="toast__message">
              {toast.kind === 'error' && <span class="visually-hidden">{t('toast.errorPrefix')} </span>}
              {toast.message}
            </p>
            <button type="button" class="toast__dismiss" onClick={() => dismiss(toast.id)}>
              {t('toast.dismiss')}
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) {
    throw new Error('useToast must be used inside <ToastProvider>');
  }
  return api;
}
