import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { problemText } from '../../components/problems';
import { StatusBadge } from '../../components/StatusBadge';
import { textIn } from '../../components/texts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { PersonalLinkStatus, usePersonalLink } from '../../session/usePersonalLink';
import { PageHeading } from '../../shell/PageHeading';
import {
  acceptOffer,
  cancelRegistration,
  changeRegistration,
  declineInvitation,
  formatLocal,
  getInvitation,
  register,
  type InvitationPage as Page,
  type PublicSession,
} from './api';
import { problemMessage, registrationLabel, registrationTone } from './labels';
import './workshops.css';

/**
 * Where an invitation email's link lands (the token in the fragment, sent to the API in a
 * header). Opening it only reads; registering, changing, cancelling, accepting an offer and
 * declining are buttons that POST. The form is pre-filled with what the registry knows.
 */
export function InvitationPage() {
  const { t } = useI18n();
  const link = usePersonalLink<Page>({
    missing: () => t('ws.problem.token_invalid'),
    load: getInvitation,
    refusal: (error) => problemText(error, t, problemMessage),
  });

  if (link.state.kind !== 'ready') {
    return (
      <PersonalLinkStatus state={link.state} title={t('ws.invite.title')} refusedTitle={t('ws.invite.refusedTitle')} loadingText={t('ws.loading')}>
        <p>{t('ws.invite.askAgain')}</p>
      </PersonalLinkStatus>
    );
  }
  return <InvitationForm token={link.token} page={link.state.page} onChange={link.show} />;
}

function SessionDetails({ session }: { session: PublicSession }) {
  const { t, language, formatDateTime } = useI18n();
  return (
    <span class="ws-session-choice__meta">
      {formatLocal(session.start, language)} – {formatLocal(session.end, language, { timeStyle: 'short' })} <span dir="ltr">({session.timeZone})</span>
      <br />
      {session.onlineUrl ? t('ws.invite.online') : session.venue}
      {' · '}
      {session.seatsLeft > 0 ? t('ws.invite.seatsLeft', { count: session.seatsLeft }) : session.waitlist ? t('ws.invite.fullWaitlist') : t('ws.invite.full')}
      {' · '}
      {session.open ? t('ws.invite.closes', { deadline: formatDateTime(new Date(session.registrationDeadline)) }) : t('ws.invite.closed')}
    </span>
  );
}

function InvitationForm({ token, page, onChange }: { token: string; page: Page; onChange: (page: Page) => void }) {
  const { t, language, formatNumber, formatDateTime } = useI18n();
  const registration = page.registration;
  const active = registration !== null && ['confirmed', 'waitlisted', 'offered'].includes(registration.status);
  const [sessionId, setSessionId] = useState(registration?.sessionId ?? page.sessions.find((s) => s.open)?.id ?? '');
  const [answers, setAnswers] = useState<Record<string, string>>(registration?.answers ?? {});
  const [consent, setConsent] = useState(false);
  const { summary, fieldErrors, attempt, fail, clear } = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  // Bumped on each success so focus moves to the result once the page has re-rendered.
  const [succeeded, setSucceeded] = useState(0);
  const resultRef = useRef<HTMLDivElement>(null);

  // The result is the registration panel (its heading), or the announcement when there is none.
  useEffect(() => {
    if (succeeded > 0) {
      (document.getElementById('invite-status-heading') ?? resultRef.current)?.focus();
    }
  }, [succeeded]);

  const fields: Record<string, string> = { sessionId: 'invite-sessions', consent: 'invite-consent' };
  for (const q of page.questions) fields[`answers.${q.id}`] = `invite-answer-${q.id}`;

  const act = async (action: () => Promise<Page>, doneKey: Parameters<typeof t>[0]) => {
    setBusy(true);
    try {
      const next = await action();
      clear();
      setDone(t(doneKey));
      setSucceeded((n) => n + 1);
      onChange(next);
      if (next.registration) {
        setSessionId(next.registration.sessionId);
        setAnswers(next.registration.answers);
      }
    } catch (error) {
      setDone(null);
      fail(error, fields);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const cleaned = Object.fromEntries(Object.entries(answers).filter(([, v]) => v.trim() !== ''));
    void (active
      ? act(() => changeRegistration(token, { sessionId, answers: cleaned }), 'ws.invite.changed')
      : act(() => register(token, { sessionId, answers: cleaned, consent }), 'ws.invite.registered'));
  };

  const current = registration ? page.sessions.find((s) => s.id === registration.sessionId) : undefined;

  return (
    <>
      <PageHeading>{textIn(page.titles, language)}</PageHeading>
      <p class="lead">{t('ws.invite.greeting', { name: page.person.name })}</p>
      {textIn(page.descriptions, language) && <p>{textIn(page.descriptions, language)}</p>}
      {/* A live region present from the start, so screen readers announce the outcome when it is filled. */}
      <div id="invite-result" class={done ? 'notice' : undefined} role="status" tabIndex={-1} ref={resultRef}>
        {done && <p>{done}</p>}
      </div>
      <ErrorSummary errors={summary} attempt={attempt} />

      {registration && (
        <section class="panel" aria-labelledby="invite-status-heading">
          <h2 id="invite-status-heading" tabIndex={-1}>
            {t('ws.invite.yourRegistration')}
          </h2>
          <p>
            <StatusBadge label={registrationLabel(t, registration.status)} tone={registrationTone(registration.status)} />
          </p>
          {current && (
            <p>
              <strong>{textIn(current.titles, language)}</strong>
              <br />
              <SessionDetails session={current} />
            </p>
          )}
          {registration.status === 'confirmed' && <p>{t('ws.invite.confirmedNote')}</p>}
          {registration.status === 'waitlisted' && registration.waitlistPosition !== null && (
            <p>{t('ws.invite.waitlistPosition', { position: formatNumber(registration.waitlistPosition) })}</p>
          )}
          {registration.status === 'offered' && registration.offerExpiresAt && (
            <>
              <p>{t('ws.invite.offer', { until: formatDateTime(new Date(registration.offerExpiresAt)) })}</p>
              <div class="button-row">
                <button type="button" class="button" disabled={busy} onClick={() => void act(() => acceptOffer(token), 'ws.invite.offerAccepted')}>
                  {t('ws.invite.acceptOffer')}
                </button>
              </div>
            </>
          )}
          {active && (
            <div class="button-row">
              <button type="button" class="button button--danger" disabled={busy} onClick={() => void act(() => cancelRegistration(token), 'ws.invite.cancelled')}>
                {t('ws.invite.cancel')}
              </button>
            </div>
          )}
        </section>
      )}

      {page.invitationStatus === 'expired' && !active ? (
        <p class="notice">{t('ws.problem.invitation_expired')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <h2>{active ? t('ws.invite.changeHeading') : t('ws.invite.registerHeading')}</h2>
          <fieldset class="form-group" id="invite-sessions" tabIndex={-1} aria-describedby={fieldErrors['invite-sessions'] ? 'invite-sessions-error' : undefined}>
            <legend>{t('ws.invite.chooseSession')}</legend>
            {fieldErrors['invite-sessions'] && (
              <p class="form-field__error" id="invite-sessions-error">
                {fieldErrors['invite-sessions']}
              </p>
            )}
            <ul class="ws-sessions">
              {page.sessions.map((s) => (
                <li key={s.id}>
                  <label class="ws-session-choice" for={`invite-session-${s.id}`}>
                    <input
                      id={`invite-session-${s.id}`}
                      type="radio"
                      name="session"
                      value={s.id}
                      checked={sessionId === s.id}
                      disabled={!s.open && registration?.sessionId !== s.id}
                      onChange={() => setSessionId(s.id)}
                    />
                    <span>
                      <strong>{textIn(s.titles, language)}</strong>
                      <SessionDetails session={s} />
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <FormField id="invite-name" label={t('ws.invite.name')} hint={t('ws.invite.prefilled')}>
            {(c) => <input {...c} class="input" type="text" value={page.person.name} readOnly />}
          </FormField>
          <FormField id="invite-email" label={t('ws.registration.email')}>
            {(c) => <input {...c} class="input" type="email" dir="ltr" value={page.person.email} readOnly />}
          </FormField>
          {page.person.organisation && (
            <FormField id="invite-organisation" label={t('ws.invite.organisation')}>
              {(c) => <input {...c} class="input" type="text" value={page.person.organisation ?? ''} readOnly />}
            </FormField>
          )}
          {page.questions.map((q) => (
            <FormField
              key={q.id}
              id={`invite-answer-${q.id}`}
              label={textIn(q.labels, language)}
              hint={t('ws.invite.maxLength', { max: formatNumber(q.maxLength), used: formatNumber((answers[q.id] ?? '').length) })}
              optional={!q.required}
              required={q.required}
              error={fieldErrors[`invite-answer-${q.id}`]}
            >
              {(c) => (
                <textarea {...c} class="input" rows={4} dir="auto" maxLength={q.maxLength} value={answers[q.id] ?? ''} onInput={(e) => setAnswers({ ...answers, [q.id]: e.currentTarget.value })} />
              )}
            </FormField>
          ))}
          {!active && (
            <div class={`checkbox${fieldErrors['invite-consent'] ? ' form-field--error' : ''}`}>
              {fieldErrors['invite-consent'] && (
                <p class="form-field__error" id="invite-consent-error">
                  {fieldErrors['invite-consent']}
                </p>
              )}
              <input
                id="invite-consent"
                type="checkbox"
                checked={consent}
                aria-describedby={fieldErrors['invite-consent'] ? 'invite-consent-error' : undefined}
                onChange={(e) => setConsent(e.currentTarget.checked)}
              />
              <label for="invite-consent">{t('ws.invite.consent')}</label>
            </div>
          )}
          <div class="button-row">
            <button type="submit" class="button" disabled={busy}>
              {active ? t('ws.invite.saveChanges') : t('ws.invite.register')}
            </button>
            {!active && page.invitationStatus !== 'declined' && (
              <button type="button" class="button button--secondary" disabled={busy} onClick={() => void act(() => declineInvitation(token), 'ws.invite.declined')}>
                {t('ws.invite.decline')}
              </button>
            )}
          </div>
          {page.invitationStatus === 'declined' && !active && <p>{t('ws.invite.declinedNote')}</p>}
        </form>
      )}
    </>
  );
}
