import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n/I18nProvider';

/** The attributes a control inside a FormField must carry. */
export interface FieldControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: 'true';
  'aria-required'?: 'true';
}

interface FormFieldProps {
  id: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  error?: string | null;
  optional?: boolean;
  /** Marks the field required: a visible word after the label, and aria-required on the control. */
  required?: boolean;
  class?: string;
  /** Renders the control with the id and the describedby/invalid attributes it must carry. */
  children: (control: FieldControlProps) => ComponentChildren;
}

export function hintId(id: string): string {
  return `${id}-hint`;
}

export function errorId(id: string): string {
  return `${id}-error`;
}

/**
 * A visible label, an optional hint and an error message, all tied to the control: the label by
 * `for`, hint and error by `aria-describedby`, the error state by `aria-invalid`, a required
 * field by `aria-required` and a word beside its label.
 */
export function FormField({ id, label, hint, error, optional, required, class: className, children }: FormFieldProps) {
  const { t } = useI18n();
  const describedBy = [hint ? hintId(id) : null, error ? errorId(id) : null].filter(Boolean).join(' ');
  return (
    <div class={['form-field', error ? 'form-field--error' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label class="form-field__label" for={id}>
        {label}
        {optional && <span class="form-field__optional"> {t('form.optional')}</span>}
        {/* Hidden from assistive technology, which hears aria-required on the control instead. */}
        {required && (
          <span class="form-field__required" aria-hidden="true">
            {' '}
            {t('form.required')}
          </span>
        )}
      </label>
      {hint && (
        <p class="form-field__hint" id={hintId(id)}>
          {hint}
        </p>
      )}
      {error && (
        <p class="form-field__error" id={errorId(id)}>
          <span class="visually-hidden">{t('form.errorPrefix')} </span>
          {error}
        </p>
      )}
      {children({
        id,
        'aria-describedby': describedBy || undefined,
        'aria-invalid': error ? 'true' : undefined,
        'aria-required': required ? 'true' : undefined,
      })}
    </div>
  );
}
