import { useState } from 'preact/hooks';
import { DataTable } from '../../components/DataTable';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { LanguageOptions } from '../../components/LanguageOptions';
import { StatusBadge } from '../../components/StatusBadge';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { PersonalLinkStatus, usePersonalLink } from '../../session/usePersonalLink';
import { PageHeading } from '../../shell/PageHeading';
import { getProposalPage, propose, type ProposalPage as Page } from './api';
import { failureText, problemMessage, statusLabel, statusTone } from './labels';
import './cohorts.css';

const ids = { name: 'proposal-name', email: 'proposal-email', language: 'proposal-language' };

/** Where an organisation's proposal link lands: the cohort, its quota and the people it proposed so far, and a form to propose another. */
export function ProposalPage() {
  const { t, language: uiLanguage } = useI18n();
  const link = usePersonalLink<Page>({ missing: () => t('cohort.problem.token_invalid'), load: getProposalPage, refusal: (error) => failureText(t, error) });
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [language, setLanguage] = useState<string>(uiLanguage);
  const { summary, fieldErrors, attempt, fail, clear } = useFormFailure(problemMessage);
  const [done, setDone] = useState('');

  if (link.state.kind !== 'ready') {
    return <PersonalLinkStatus state={link.state} title={t('cohort.proposal.title')} loadingText={t('cohort.loading')} />;
  }

  const page = link.state.page;
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      const next = await propose(link.token, { name, email, language });
      link.show(next);
      setDone(t('cohort.proposal.done', { name }));
      setName('');
      setEmail('');
      clear();
    } catch (error) {
      fail(error, ids);
    }
  };

  return (
    <>
      <PageHeading>{t('cohort.proposal.title')}</PageHeading>
      <p class="lead" dir="auto">
        {t('cohort.proposal.intro', { organisation: page.organisationName, cohort: page.cohortName, programme: page.programmeName })}
      </p>
      {page.quota !== null && <p>{t('cohort.proposal.quota', { count: page.quota })}</p>}
      <DataTable
        caption={t('cohort.proposal.proposed')}
        columns={[
          { key: 'name', header: t('cohort.candidate.name'), rowHeader: true, sortValue: (p) => p.name, cell: (p) => <span dir="auto">{p.name}</span> },
          { key: 'email', header: t('cohort.candidate.email'), sortValue: (p) => p.email, cell: (p) => <span dir="ltr">{p.email}</span> },
          { key: 'status', header: t('cohort.candidate.status'), cell: (p) => <StatusBadge label={statusLabel(t, p.status)} tone={statusTone(p.status)} /> },
        ]}
        rows={page.proposed}
        rowKey={(p) => p.email}
        emptyText={t('cohort.proposal.none')}
      />
      <p role="status">{done}</p>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={submit} noValidate class="panel">
        <h2>{t('cohort.proposal.add')}</h2>
        <FormField id={ids.name} label={t('cohort.candidate.name')} error={fieldErrors[ids.name]}>
          {(c) => <input {...c} class="input" type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </FormField>
        <FormField id={ids.email} label={t('cohort.candidate.email')} error={fieldErrors[ids.email]}>
          {(c) => <input {...c} class="input" type="email" dir="ltr" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </FormField>
        <FormField id={ids.language} label={t('cohort.candidate.language')} error={fieldErrors[ids.language]}>
          {(c) => (
            <select {...c} class="input input--short" value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
              <LanguageOptions />
            </select>
          )}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button">
            {t('cohort.candidate.propose')}
          </button>
        </div>
      </form>
    </>
  );
}
