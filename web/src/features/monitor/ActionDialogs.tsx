import { useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { isApiError } from '../../api/http';
import { Dialog } from '../../components/Dialog';
import { ErrorSummary, mapProblemErrors, type SummaryError } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/catalogue';

export type ActionKind = 'terminate' | 'suspend' | 'resume' | 'purge' | 'raiseEvent';

const reasonId = 'action-reason';
const eventNameId = 'event-name';
const eventDataId = 'event-data';
const serverFields = { reason: reasonId, eventName: eventNameId, name: eventNameId, data: eventDataId };

interface FormErrors {
  fields: Record<string, string>;
  summary: SummaryError[];
  attempt: number;
}

const noErrors: FormErrors = { fields: {}, summary: [], attempt: 0 };

/** Runs the call; on failure turns the error into field messages and a summary. */
function useSubmit() {
  const { t } = useI18n();
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);

  const fail = (fields: Record<string, string>, summary: SummaryError[]) =>
    setErrors((e) => ({ fields, summary, attempt: e.attempt + 1 }));

  const run = async (call: () => Promise<void>) => {
    setBusy(true);
    try {
      await call();
      setErrors(noErrors);
    } catch (error) {
      if (isApiError(error) && Object.keys(error.errors).length > 0) {
        const mapped = mapProblemErrors(error.errors, serverFields);
        fail(mapped.fieldErrors, mapped.summary);
      } else {
        fail({}, [{ message: describeError(error, t) }]);
      }
    } finally {
      setBusy(false);
    }
  };
  const reset = () => setErrors(noErrors);
  return { errors, busy, run, fail, reset };
}

const titles: Record<ActionKind, MessageKey> = {
  terminate: 'monitor.confirm.terminate.title',
  suspend: 'monitor.confirm.suspend.title',
  resume: 'monitor.confirm.resume.title',
  purge: 'monitor.confirm.purge.title',
  raiseEvent: 'monitor.event.title',
};

const bodies: Record<Exclude<ActionKind, 'raiseEvent'>, MessageKey> = {
  terminate: 'monitor.confirm.terminate.body',
  suspend: 'monitor.confirm.suspend.body',
  resume: 'monitor.confirm.resume.body',
  purge: 'monitor.confirm.purge.body',
};

export const actionLabels: Record<ActionKind, MessageKey> = {
  terminate: 'monitor.actions.terminate',
  suspend: 'monitor.actions.suspend',
  resume: 'monitor.actions.resume',
  purge: 'monitor.actions.purge',
  raiseEvent: 'monitor.actions.raiseEvent',
};

interface ConfirmDialogProps {
  action: Exclude<ActionKind, 'raiseEvent'> | null;
  instanceId: string;
  onClose: () => void;
  /** Performs the action; the reason is empty for purge. */
  onConfirm: (action: Exclude<ActionKind, 'raiseEvent'>, reason: string) => Promise<void>;
}

/** Terminate, suspend or resume (with an optional reason), or purge: asks first. */
export function ConfirmActionDialog({ action, instanceId, onClose, onConfirm }: ConfirmDialogProps) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const { errors, busy, run, reset } = useSubmit();
  // Keep the last action's text while the dialog closes.
  const last = useRef<Exclude<ActionKind, 'raiseEvent'>>('terminate');
  if (action) last.current = action;
  const current = action ?? last.current;

  const close = () => {
    setReason('');
    reset();
    onClose();
  };

  return (
    <Dialog open={action !== null} title={t(titles[current])} onClose={close} description={t(bodies[current], { id: instanceId })}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => onConfirm(current, reason));
        }}
      >
        <ErrorSummary errors={errors.summary} attempt={errors.attempt} />
        {current !== 'purge' && (
          <FormField id={reasonId} label={t('monitor.reason')} hint={t('monitor.reasonHint')} optional error={errors.fields[reasonId]}>
            {(control) => (
              <textarea {...control} name="reason" class="input" rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            )}
          </FormField>
        )}
        <div class="button-row">
          <button type="submit" class={current === 'resume' ? 'button' : 'button button--danger'} disabled={busy}>
            {t(actionLabels[current])}
          </button>
          <button type="button" class="button button--secondary" onClick={close}>
            {t('dialog.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface RaiseEventDialogProps {
  open: boolean;
  onClose: () => void;
  onRaise: (eventName: string, data: unknown) => Promise<void>;
}

/** Event name and JSON data; the JSON is checked here so a typo never reaches the server. */
export function RaiseEventDialog({ open, onClose, onRaise }: RaiseEventDialogProps) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [data, setData] = useState('');
  const { errors, busy, run, fail, reset } = useSubmit();

  const close = () => {
    setName('');
    setData('');
    reset();
    onClose();
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const fields: Record<string, string> = {};
    if (name.trim() === '') {
      fields[eventNameId] = t('monitor.event.nameRequired');
    }
    let parsed: unknown = null;
    if (data.trim() !== '') {
      try {
        parsed = JSON.parse(data);
      } catch {
        // The parser's own message is English-only and engine-specific, so it is not shown.
        fields[eventDataId] = t('monitor.event.dataInvalid');
      }
    }
    const summary = Object.entries(fields).map(([fieldId, message]) => ({ fieldId, message }));
    if (summary.length > 0) {
      fail(fields, summary);
      return;
    }
    void run(() => onRaise(name.trim(), parsed));
  };

  return (
    <Dialog open={open} title={t(titles.raiseEvent)} onClose={close} description={t('monitor.event.description')}>
      <form noValidate onSubmit={submit}>
        <ErrorSummary errors={errors.summary} attempt={errors.attempt} />
        <FormField id={eventNameId} label={t('monitor.event.name')} error={errors.fields[eventNameId]}>
          {(control) => (
            <input
              {...control}
              type="text"
              name="eventName"
              class="input"
              autoComplete="off"
              spellcheck={false}
              required
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          )}
        </FormField>
        <FormField id={eventDataId} label={t('monitor.event.data')} hint={t('monitor.event.dataHint')} optional error={errors.fields[eventDataId]}>
          {(control) => (
            <textarea
              {...control}
              name="data"
              class="input monospace"
              dir="ltr"
              rows={6}
              spellcheck={false}
              value={data}
              onInput={(e) => setData(e.currentTarget.value)}
            />
          )}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {t('monitor.event.send')}
          </button>
          <button type="button" class="button button--secondary" onClick={close}>
            {t('dialog.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
