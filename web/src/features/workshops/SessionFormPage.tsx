import { useState } from 'preact/hooks';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { LanguageOptions } from '../../components/LanguageOptions';
import { localInputToIso } from '../../components/inputs';
import { textIn, type Texts } from '../../components/texts';
import { useToast } from '../../components/Toasts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { Link, navigate } from '../../router/router';
import { PageHeading } from '../../shell/PageHeading';
import { createSession, seriesPath } from './api';
import { problemMessage } from './labels';

const ids = {
  title: 'session-title',
  translationLanguage: 'session-translation-language',
  translationTitle: 'session-translation-title',
  description: 'session-description',
  start: 'session-start',
  end: 'session-end',
  timeZone: 'session-time-zone',
  onlineUrl: 'session-online-url',
  venue: 'session-venue',
  capacity: 'session-capacity',
  deadline: 'session-deadline',
};

const commonZones = ['Europe/Athens', 'Europe/Warsaw', 'Europe/Sofia', 'Europe/Riga', 'Europe/Budapest', 'Asia/Jerusalem', 'Asia/Dubai', 'Asia/Riyadh', 'Europe/London', 'UTC'];

/** A new session of a series: local start and end in a named time zone, a link or a venue, seats and the registration deadline. */
export function SessionFormPage({ seriesId }: { seriesId: string }) {
  const { t, language } = useI18n();
  const toast = useToast();
  const [form, setForm] = useState({
    title: '',
    translationLanguage: language === 'en' ? 'el' : language,
    translationTitle: '',
    description: '',
    start: '',
    end: '',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    onlineUrl: '',
    venue: '',
    capacity: '25',
    waitlist: true,
    deadline: '',
  });
  const { summary, fieldErrors, attempt, fail } = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof typeof form) => (event: Event) => setForm({ ...form, [field]: (event.currentTarget as HTMLInputElement).value });

  const fields: Record<string, string> = {
    titles: ids.title,
    'titles.en': ids.title,
    [`titles.${form.translationLanguage}`]: ids.translationTitle,
    start: ids.start,
    end: ids.end,
    timeZone: ids.timeZone,
    onlineUrl: ids.onlineUrl,
    venue: ids.venue,
    capacity: ids.capacity,
    registrationDeadline: ids.deadline,
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const titles: Texts = {};
      if (form.title.trim()) titles.en = form.title.trim();
      if (form.translationTitle.trim()) titles[form.translationLanguage] = form.translationTitle.trim();
      const created = await createSession(seriesId, {
        titles,
        descriptions: form.description.trim() ? { en: form.description.trim() } : {},
        start: form.start,
        end: form.end,
        timeZone: form.timeZone.trim(),
        onlineUrl: form.onlineUrl.trim() || null,
        venue: form.venue.trim() || null,
        capacity: form.capacity === '' ? null : Number(form.capacity),
        waitlist: form.waitlist,
        registrationDeadline: localInputToIso(form.deadline),
      });
      toast.show(t('ws.session.created', { title: textIn(created.titles, language) }), 'success');
      navigate(seriesPath(seriesId));
    } catch (error) {
      fail(error, fields);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p class="back-link">
        <Link href={seriesPath(seriesId)}>{t('ws.backToSeries')}</Link>
      </p>
      <PageHeading>{t('ws.session.new')}</PageHeading>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={submit} noValidate>
        <FormField id={ids.title} label={t('ws.session.titleEn')} error={fieldErrors[ids.title]}>
          {(c) => <input {...c} class="input" type="text" lang="en" dir="ltr" value={form.title} onInput={set('title')} />}
        </FormField>
        <FormField id={ids.translationLanguage} label={t('ws.series.translationLanguage')}>
          {(c) => (
            <select {...c} class="input" value={form.translationLanguage} onChange={set('translationLanguage')}>
              <LanguageOptions except="en" />
            </select>
          )}
        </FormField>
        <FormField id={ids.translationTitle} label={t('ws.series.translationTitle')} optional error={fieldErrors[ids.translationTitle]}>
          {(c) => <input {...c} class="input" type="text" lang={form.translationLanguage} dir="auto" value={form.translationTitle} onInput={set('translationTitle')} />}
        </FormField>
        <FormField id={ids.description} label={t('ws.series.descriptionEn')} optional>
          {(c) => <textarea {...c} class="input" rows={3} lang="en" dir="ltr" value={form.description} onInput={set('description')} />}
        </FormField>
        <FormField id={ids.start} label={t('ws.session.start')} hint={t('ws.session.localHint')} error={fieldErrors[ids.start]}>
          {(c) => <input {...c} class="input" type="datetime-local" value={form.start} onInput={set('start')} />}
        </FormField>
        <FormField id={ids.end} label={t('ws.session.end')} error={fieldErrors[ids.end]}>
          {(c) => <input {...c} class="input" type="datetime-local" value={form.end} onInput={set('end')} />}
        </FormField>
        <FormField id={ids.timeZone} label={t('ws.session.timeZone')} hint={t('ws.session.timeZoneHint')} error={fieldErrors[ids.timeZone]}>
          {(c) => (
            <>
              <input {...c} class="input" type="text" dir="ltr" list="session-time-zones" value={form.timeZone} onInput={set('timeZone')} />
              <datalist id="session-time-zones">
                {commonZones.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
            </>
          )}
        </FormField>
        <FormField id={ids.onlineUrl} label={t('ws.session.onlineUrl')} hint={t('ws.session.placeHint')} optional error={fieldErrors[ids.onlineUrl]}>
          {(c) => <input {...c} class="input" type="url" dir="ltr" value={form.onlineUrl} onInput={set('onlineUrl')} />}
        </FormField>
        <FormField id={ids.venue} label={t('ws.session.venue')} optional error={fieldErrors[ids.venue]}>
          {(c) => <input {...c} class="input" type="text" value={form.venue} onInput={set('venue')} />}
        </FormField>
        <FormField id={ids.capacity} label={t('ws.session.capacity')} error={fieldErrors[ids.capacity]}>
          {(c) => <input {...c} class="input" type="number" min={1} inputMode="numeric" value={form.capacity} onInput={set('capacity')} />}
        </FormField>
        <div class="checkbox">
          <input id="session-waitlist" type="checkbox" checked={form.waitlist} onChange={(e) => setForm({ ...form, waitlist: e.currentTarget.checked })} />
          <label for="session-waitlist">{t('ws.session.waitlist')}</label>
        </div>
        <FormField id={ids.deadline} label={t('ws.session.deadline')} hint={t('ws.session.deadlineHint')} error={fieldErrors[ids.deadline]}>
          {(c) => <input {...c} class="input" type="datetime-local" value={form.deadline} onInput={set('deadline')} />}
        </FormField>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {t('ws.session.create')}
          </button>
        </div>
      </form>
    </>
  );
}
