import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { localInputToIso } from '../../components/inputs';
import { ProgressBar } from '../../components/ProgressBar';
import { StatusBadge } from '../../components/StatusBadge';
import { useToast } from '../../components/Toasts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { Link, navigate } from '../../router/router';
import { send } from '../../session/request';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import { campaignPath, getCampaign, invitationStatuses, listInvitations, seriesPath, startCampaign, type Campaign, type Invitation, type InvitationStatus } from './api';
import { invitationLabel, invitationTone, problemMessage } from './labels';
import './workshops.css';

/** How often a running campaign is read again. */
export const campaignPollMs = 2000;

interface OrganisationOption {
  id: string;
  names: Record<string, string>;
}

const ids = { organisations: 'campaign-organisations', emails: 'campaign-emails', deadline: 'campaign-deadline', reminder: 'campaign-reminder', name: 'campaign-name' };

/** Admins start a campaign for chosen organisations and a CSV of addresses. */
export function CampaignStartPage({ seriesId }: { seriesId: string }) {
  return (
    <RequireRole roles={['admin']} titleKey="ws.campaign.new">
      <CampaignStartForm seriesId={seriesId} />
    </RequireRole>
  );
}

function CampaignStartForm({ seriesId }: { seriesId: string }) {
  const { t, language } = useI18n();
  const toast = useToast();
  const [organisations, setOrganisations] = useState<OrganisationOption[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [emails, setEmails] = useState('');
  const [deadline, setDeadline] = useState('');
  const [reminder, setReminder] = useState('3');
  const { summary, fieldErrors, attempt, fail } = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    send<{ items: OrganisationOption[] }>('GET', '/api/registry/organisations?pageSize=100')
      .then((page) => setOrganisations(page.items))
      .catch(() => setOrganisations([]));
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const campaign = await startCampaign({
        seriesId,
        name,
        organisationIds: chosen,
        personIds: [],
        emailsCsv: emails,
        deadline: localInputToIso(deadline),
        reminderDaysBefore: reminder === '' ? null : Number(reminder),
      });
      toast.show(t('ws.campaign.startedToast', { count: campaign.total }), 'success');
      navigate(campaignPath(campaign.id));
    } catch (error) {
      fail(error, { organisationIds: ids.organisations, invitees: ids.organisations, emailsCsv: ids.emails, deadline: ids.deadline, reminderDaysBefore: ids.reminder, name: ids.name });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p class="back-link">
        <Link href={seriesPath(seriesId)}>{t('ws.backToSeries')}</Link>
      </p>
      <PageHeading>{t('ws.campaign.new')}</PageHeading>
      <p class="lead">{t('ws.campaign.intro')}</p>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={submit} noValidate>
        <FormField id={ids.name} label={t('ws.campaign.name')} optional error={fieldErrors[ids.name]}>
          {(c) => <input {...c} class="input" type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </FormField>
        <fieldset class="form-group" id={ids.organisations} tabIndex={-1} aria-describedby={fieldErrors[ids.organisations] ? `${ids.organisations}-error` : undefined}>
          <legend>{t('ws.campaign.organisations')}</legend>
          {fieldErrors[ids.organisations] && (
            <p class="form-field__error" id={`${ids.organisations}-error`}>
              {fieldErrors[ids.organisations]}
            </p>
          )}
          <div class="checkboxes">
            {organisations.map((o) => (
              <div class="checkbox" key={o.id}>
                <input
                  id={`campaign-org-${o.id}`}
                  type="checkbox"
                  checked={chosen.includes(o.id)}
                  onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, o.id] : chosen.filter((c) => c !== o.id))}
                />
                <label for={`campaign-org-${o.id}`} dir="auto">
                  {o.names[language] ?? o.names.en ?? o.id}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        <FormField id={ids.emails} label={t('ws.campaign.emails')} hint={t('ws.campaign.emailsHint')} optional error={fieldErrors[ids.emails]}>
          {(c) => <textarea {...c} class="input" rows={6} dir="ltr" spellcheck={false} value={emails} onInput={(e) => setEmails(e.currentTarget.value)} />}
        </FormField>
        <FormField id={ids.deadline} label={t('ws.campaign.deadline')} hint={t('ws.campaign.deadlineHint')} error={fieldErrors[ids.deadline]}>
          {(c) => <input {...c} class="input" type="datetime-local" value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />}
        </FormField>
        <FormField id={ids.reminder} label={t('ws.campaign.reminder')} hint={t('ws.campaign.reminderHint')} error={fieldErrors[ids.reminder]}>
          {(c) => <input {...c} class="input" type="number" min={0} max={60} inputMode="numeric" value={reminder} onInput={(e) => setReminder(e.currentTarget.value)} />}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {t('ws.campaign.start')}
          </button>
        </div>
      </form>
    </>
  );
}

type Load = { kind: 'loading' } | { kind: 'loaded'; campaign: Campaign; invitations: Invitation[] } | { kind: 'failed'; message: string };

/** A campaign's live progress: read again every 2 s while it runs, with the status of every invitee. */
export function CampaignPage({ campaignId }: { campaignId: string }) {
  const { t, formatNumber, formatDateTime } = useI18n();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [announcement, setAnnouncement] = useState('');
  const lastStatus = useRef<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const [campaign, invitations] = await Promise.all([getCampaign(campaignId), listInvitations(campaignId)]);
        if (stopped) return;
        setLoad({ kind: 'loaded', campaign, invitations });
        if (lastStatus.current !== null && lastStatus.current !== campaign.runtimeStatus) {
          setAnnouncement(t('ws.campaign.statusChanged', { status: campaign.runtimeStatus }));
        }
        lastStatus.current = campaign.runtimeStatus;
        if (campaign.runtimeStatus === 'Running' || campaign.runtimeStatus === 'Pending') {
          timer = setTimeout(() => void tick(), campaignPollMs);
        }
      } catch (error) {
        if (!stopped) setLoad({ kind: 'failed', message: describeError(error, t) });
      }
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [campaignId]);

  if (load.kind !== 'loaded') {
    return (
      <>
        <PageHeading>{t('ws.campaign.heading')}</PageHeading>
        {load.kind === 'loading' ? (
          <p role="status">{t('ws.loading')}</p>
        ) : (
          <div class="notice notice--error" role="alert">
            <p>{load.message}</p>
          </div>
        )}
      </>
    );
  }

  const { campaign, invitations } = load;
  const counts = campaign.counts;
  const answered = counts.registered + counts.declined;
  const running = campaign.runtimeStatus === 'Running' || campaign.runtimeStatus === 'Pending';
  const columns: Column<Invitation>[] = [
    { key: 'name', header: t('ws.registration.name'), rowHeader: true, sortValue: (i) => i.name, cell: (i) => <span dir="auto">{i.name}</span> },
    { key: 'email', header: t('ws.registration.email'), sortValue: (i) => i.email, cell: (i) => <span dir="ltr">{i.email}</span> },
    {
      key: 'status',
      header: t('ws.registration.status'),
      sortValue: (i) => invitationLabel(t, i.status),
      cell: (i) => <StatusBadge label={invitationLabel(t, i.status)} tone={invitationTone(i.status)} />,
    },
    { key: 'sentAt', header: t('ws.invitation.sentAt'), sortValue: (i) => (i.sentAt ? new Date(i.sentAt) : null), cell: (i) => (i.sentAt ? formatDateTime(new Date(i.sentAt)) : '') },
    { key: 'remindedAt', header: t('ws.invitation.remindedAt'), sortValue: (i) => (i.remindedAt ? new Date(i.remindedAt) : null), cell: (i) => (i.remindedAt ? formatDateTime(new Date(i.remindedAt)) : '') },
    { key: 'answeredAt', header: t('ws.invitation.answeredAt'), sortValue: (i) => (i.answeredAt ? new Date(i.answeredAt) : null), cell: (i) => (i.answeredAt ? formatDateTime(new Date(i.answeredAt)) : '') },
  ];

  return (
    <>
      <p class="back-link">
        <Link href={seriesPath(campaign.seriesId)}>{t('ws.backToSeries')}</Link>
      </p>
      <PageHeading>{campaign.name}</PageHeading>
      <p class="live-note">{running ? t('ws.campaign.live', { count: campaignPollMs / 1000 }) : t('ws.campaign.finished')}</p>
      <p role="status" class="visually-hidden">
        {announcement}
      </p>
      <section class="panel" aria-labelledby="campaign-progress">
        <h2 id="campaign-progress">{t('ws.campaign.progress')}</h2>
        <ProgressBar label={t('ws.campaign.sentProgress')} value={counts.sent + counts.bounced} max={counts.total} />
        <ProgressBar label={t('ws.campaign.answeredProgress')} value={answered} max={counts.total} />
        <ul class="ws-counts">
          {(['total', 'sent', 'registered', 'declined', 'expired', 'bounced'] as const).map((key) => (
            <li key={key}>
              <strong>{formatNumber(counts[key])}</strong>
              {t(`ws.count.${key}`)}
            </li>
          ))}
        </ul>
        <p>
          {t('ws.campaign.deadlineIs', { deadline: formatDateTime(new Date(campaign.deadline)) })}
          {campaign.reminderDaysBefore > 0 && ` ${t('ws.campaign.reminderIs', { count: campaign.reminderDaysBefore })}`}
        </p>
      </section>
      <h2>{t('ws.campaign.invitees')}</h2>
      <DataTable
        caption={t('ws.campaign.inviteesCaption', { count: invitations.length })}
        columns={columns}
        rows={invitations}
        rowKey={(i) => i.personId}
        emptyText={t('ws.campaign.noInvitees')}
        pageSize={50}
        exportFileName={`invitations-${campaign.id}.csv`}
      />
    </>
  );
}

export function isInvitationStatus(value: string): value is InvitationStatus {
  return (invitationStatuses as readonly string[]).includes(value);
}
