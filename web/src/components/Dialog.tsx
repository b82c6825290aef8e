import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider';

interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** Optional text under the title that describes the dialog (aria-describedby). */
  description?: ComponentChildren;
}

const focusable = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/**
 * A native modal `<dialog>` (showModal: the page behind is inert, focus is trapped by the browser),
 * labelled by its title. Escape closes it, and focus returns to whatever opened it.
 */
export function Dialog({ open, title, onClose, children, description }: DialogProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      const body = dialog.querySelector('.dialog__body');
      const first = dialog.querySelector<HTMLElement>('[autofocus]') ?? body?.querySelector<HTMLElement>(focusable);
      first?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  // Whatever closed the dialog (a button, Escape, the form), focus goes back to the opener.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const restore = () => {
      const target = opener.current;
      opener.current = null;
      if (target?.isConnected) target.focus();
      onClose();
    };
    dialog.addEventListener('close', restore);
    return () => dialog.removeEventListener('close', restore);
  }, [onClose]);

  // Closing from the parent while unmounting must not leave the page inert.
  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        // Escape: close through our own path so state and focus stay in step.
        event.preventDefault();
        ref.current?.close();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          ref.current?.close();
        }
      }}
    >
      <div class="dialog__header">
        <h2 id={titleId} class="dialog__title">
          {title}
        </h2>
        <button type="button" class="dialog__close" onClick={() => ref.current?.close()}>
          <span aria-hidden="true">✕</span>
          <span class="visually-hidden">{t('dialog.close')}</span>
        </button>
      </div>
      {description && (
        <p id={descriptionId} class="dialog__description">
          {description}
        </p>
      )}
      {open && <div class="dialog__body">{children}</div>}
    </dialog>
  );
}
