import { useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { useToast } from '../../components/Toasts';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/catalogue';
import { Link, navigate } from '../../router/router';
import { completeSignIn, isMe, signInPath } from '../../session/api';
import { problemCode } from '../../session/request';
import { useSession } from '../../session/SessionProvider';
import { usePersonalLink } from '../../session/usePersonalLink';
import { PageHeading } from '../../shell/PageHeading';

type State = { kind: 'ready' } | { kind: 'busy' } | { kind: 'failed'; message: string };

/** Why a sign-in link is refused: it has no token, or the server refused the token. */
type Refusal = 'token_missing' | 'token_invalid' | 'token_expired' | 'token_used';

const refusals: Record<Refusal, { title: MessageKey; body: MessageKey }> = {
  token_missing: { title: 'signInComplete.missing.title', body: 'signInComplete.missing.body' },
  token_invalid: { title: 'signInComplete.invalid.title', body: 'signInComplete.invalid.body' },
  token_expired: { title: 'signInComplete.expired.title', body: 'signInComplete.expired.body' },
  token_used: { title: 'signInComplete.used.title', body: 'signInComplete.used.body' },
};

/**
 * Where the emailed link lands. Opening it does nothing (mail scanners open links): the person
 * presses the button, and only that POST uses the token up and starts the session.
 */
export function SignInCompletePage() {
  const { t } = useI18n();
  const session = useSession();
  const toast = useToast();
  const link = usePersonalLink<undefined, Refusal>({ missing: () => 'token_missing' });
  const [state, setState] = useState<State>({ kind: 'ready' });

  if (link.state.kind === 'refused') {
    const refusal = refusals[link.state.refusal];
    return <Refused titleKey={refusal.title} bodyKey={refusal.body} />;
  }

  const complete = async () => {
    setState({ kind: 'busy' });
    try {
      const me = await completeSignIn(link.token);
      if (!isMe(me)) {
        throw new Error('unexpected answer');
      }
      session.signedIn(me);
      toast.show(t('signInComplete.done', { name: me.name }), 'success');
      // The token leaves the address bar and the history.
      navigate('/', { replace: true });
    } catch (error) {
      const code = problemCode(error);
      if (code === 'token_invalid' || code === 'token_expired' || code === 'token_used') {
        link.refuse(code);
      } else {
        setState({ kind: 'failed', message: describeError(error, t) });
      }
    }
  };

  return (
    <>
      <PageHeading>{t('signInComplete.title')}</PageHeading>
      <p class="lead">{t('signInComplete.intro')}</p>
      {state.kind === 'failed' && (
        <div class="notice notice--error" role="alert">
          <p>{state.message}</p>
        </div>
      )}
      <div class="button-row">
        <button type="button" class="button" disabled={state.kind === 'busy'} onClick={complete}>
          {t('signInComplete.button')}
        </button>
      </div>
    </>
  );
}

function Refused({ titleKey, bodyKey }: { titleKey: MessageKey; bodyKey: MessageKey }) {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t(titleKey)}</PageHeading>
      <p class="notice notice--error">{t(bodyKey)}</p>
      <p>
        <Link href={signInPath}>{t('signInComplete.askAgain')}</Link>
      </p>
    </>
  );
}
