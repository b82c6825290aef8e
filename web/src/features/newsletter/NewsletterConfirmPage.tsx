import { useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/catalogue';
import { Link } from '../../router/router';
import { problemCode, send } from '../../session/request';
import { usePersonalLink } from '../../session/usePersonalLink';
import { PageHeading } from '../../shell/PageHeading';
import { newsletterPath } from './paths';

type State = { kind: 'ready' } | { kind: 'busy' } | { kind: 'confirmed' } | { kind: 'failed'; message: string };

const refusals: Record<string, MessageKey> = {
  token_invalid: 'newsletterConfirm.invalid',
  token_expired: 'newsletterConfirm.expired',
  token_used: 'newsletterConfirm.used',
};

/** Where the confirmation email's link lands. Only the button's POST confirms (mail scanners open links). */
export function NewsletterConfirmPage() {
  const { t } = useI18n();
  const link = usePersonalLink<undefined, MessageKey>({ missing: () => 'newsletterConfirm.missing' });
  const [state, setState] = useState<State>({ kind: 'ready' });

  if (link.state.kind === 'refused') {
    return (
      <>
        <PageHeading>{t('newsletterConfirm.refusedTitle')}</PageHeading>
        <p class="notice notice--error">{t(link.state.refusal)}</p>
        <p>
          <Link href={newsletterPath}>{t('newsletterConfirm.again')}</Link>
        </p>
      </>
    );
  }
  if (state.kind === 'confirmed') {
    return (
      <>
        <PageHeading>{t('newsletterConfirm.doneTitle')}</PageHeading>
        <p class="notice" role="status">
          {t('newsletterConfirm.done')}
        </p>
        <p>
          <Link href="/">{t('placeholder.backHome')}</Link>
        </p>
      </>
    );
  }

  const confirm = async () => {
    setState({ kind: 'busy' });
    try {
      await send('POST', '/api/public/newsletter/confirm', { json: { token: link.token } });
      setState({ kind: 'confirmed' });
    } catch (error) {
      const refusal = refusals[problemCode(error) ?? ''];
      if (refusal) link.refuse(refusal);
      else setState({ kind: 'failed', message: describeError(error, t) });
    }
  };

  return (
    <>
      <PageHeading>{t('newsletterConfirm.title')}</PageHeading>
      <p class="lead">{t('newsletterConfirm.intro')}</p>
      {state.kind === 'failed' && (
        <div class="notice notice--error" role="alert">
          <p>{state.message}</p>
        </div>
      )}
      <div class="button-row">
        <button type="button" class="button" disabled={state.kind === 'busy'} onClick={confirm}>
          {t('newsletterConfirm.button')}
        </button>
      </div>
    </>
  );
}
