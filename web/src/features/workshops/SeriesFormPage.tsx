import { useState } from 'preact/hooks';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FormField } from '../../components/FormField';
import { LanguageOptions } from '../../components/LanguageOptions';
import { textIn, type Texts } from '../../components/texts';
import { useToast } from '../../components/Toasts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import { Link, navigate } from '../../router/router';
import { PageHeading } from '../../shell/PageHeading';
import { createSeries, seriesPath, workshopsPath, type Question } from './api';
import { problemMessage } from './labels';

interface QuestionForm {
  label: string;
  translation: string;
  maxLength: string;
  required: boolean;
}

const ids = {
  title: 'series-title',
  description: 'series-description',
  translationLanguage: 'series-translation-language',
  translationTitle: 'series-translation-title',
  translationDescription: 'series-translation-description',
};

function texts(en: string, language: string, translated: string): Texts {
  const result: Texts = {};
  if (en.trim()) result.en = en.trim();
  if (language !== 'en' && translated.trim()) result[language] = translated.trim();
  return result;
}

/** A new series: titles and descriptions in English and one more language, and the registration questions. */
export function SeriesFormPage() {
  const { t, language } = useI18n();
  const toast = useToast();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [translationLanguage, setTranslationLanguage] = useState<string>(language === 'en' ? 'el' : language);
  const [translationTitle, setTranslationTitle] = useState('');
  const [translationDescription, setTranslationDescription] = useState('');
  const [questions, setQuestions] = useState<QuestionForm[]>([{ label: t('ws.question.defaultLabel'), translation: '', maxLength: '1000', required: true }]);
  const { summary, fieldErrors, attempt, fail, show } = useFormFailure(problemMessage);
  const [busy, setBusy] = useState(false);

  const questionFieldIds = Object.fromEntries(
    questions.flatMap((_, i) => [
      [`questions[${i}].labels`, `question-${i}-label`],
      [`questions[${i}].labels.en`, `question-${i}-label`],
      [`questions[${i}].maxLength`, `question-${i}-max`],
      [`questions[${i}].id`, `question-${i}-label`],
    ]),
  );
  const fields: Record<string, string> = { titles: ids.title, 'titles.en': ids.title, descriptions: ids.description, [`titles.${translationLanguage}`]: ids.translationTitle, ...questionFieldIds };

  const updateQuestion = (index: number, patch: Partial<QuestionForm>) => setQuestions(questions.map((q, i) => (i === index ? { ...q, ...patch } : q)));

  const submit = async (event: Event) => {
    event.preventDefault();
    if (title.trim() === '') {
      show({ fieldErrors: { [ids.title]: t('ws.series.titleRequired') }, summary: [{ fieldId: ids.title, message: t('ws.series.titleRequired') }] });
      return;
    }
    setBusy(true);
    try {
      const body = {
        titles: texts(title, translationLanguage, translationTitle),
        descriptions: texts(description, translationLanguage, translationDescription),
        questions: questions.map(
          (q, i): Question => ({ id: `q${i + 1}`, labels: texts(q.label, translationLanguage, q.translation), maxLength: Number(q.maxLength) || 0, required: q.required }),
        ),
      };
      const created = await createSeries(body);
      toast.show(t('ws.series.created', { title: textIn(created.titles, language) }), 'success');
      navigate(seriesPath(created.id));
    } catch (error) {
      fail(error, fields);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p class="back-link">
        <Link href={workshopsPath}>{t('ws.back')}</Link>
      </p>
      <PageHeading>{t('ws.series.new')}</PageHeading>
      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={submit} noValidate>
        <FormField id={ids.title} label={t('ws.series.titleEn')} error={fieldErrors[ids.title]}>
          {(c) => <input {...c} class="input" type="text" lang="en" dir="ltr" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
        </FormField>
        <FormField id={ids.description} label={t('ws.series.descriptionEn')} optional error={fieldErrors[ids.description]}>
          {(c) => <textarea {...c} class="input" rows={4} lang="en" dir="ltr" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
        </FormField>
        <fieldset class="form-group">
          <legend>{t('ws.series.translation')}</legend>
          <FormField id={ids.translationLanguage} label={t('ws.series.translationLanguage')}>
            {(c) => (
              <select {...c} class="input" value={translationLanguage} onChange={(e) => setTranslationLanguage(e.currentTarget.value)}>
                <LanguageOptions except="en" />
              </select>
            )}
          </FormField>
          <FormField id={ids.translationTitle} label={t('ws.series.translationTitle')} optional error={fieldErrors[ids.translationTitle]}>
            {(c) => <input {...c} class="input" type="text" lang={translationLanguage} dir="auto" value={translationTitle} onInput={(e) => setTranslationTitle(e.currentTarget.value)} />}
          </FormField>
          <FormField id={ids.translationDescription} label={t('ws.series.translationDescription')} optional>
            {(c) => <textarea {...c} class="input" rows={3} lang={translationLanguage} dir="auto" value={translationDescription} onInput={(e) => setTranslationDescription(e.currentTarget.value)} />}
          </FormField>
        </fieldset>
        <h2>{t('ws.question.heading')}</h2>
        <p>{t('ws.question.intro')}</p>
        {questions.map((q, i) => (
          <fieldset key={i} class="ws-question">
            <legend>{t('ws.question.number', { n: i + 1 })}</legend>
            <FormField id={`question-${i}-label`} label={t('ws.question.label')} error={fieldErrors[`question-${i}-label`]}>
              {(c) => <input {...c} class="input" type="text" lang="en" dir="ltr" value={q.label} onInput={(e) => updateQuestion(i, { label: e.currentTarget.value })} />}
            </FormField>
            <FormField id={`question-${i}-translation`} label={t('ws.question.translation')} optional>
              {(c) => <input {...c} class="input" type="text" lang={translationLanguage} dir="auto" value={q.translation} onInput={(e) => updateQuestion(i, { translation: e.currentTarget.value })} />}
            </FormField>
            <FormField id={`question-${i}-max`} label={t('ws.question.maxLength')} hint={t('ws.question.maxLengthHint')} error={fieldErrors[`question-${i}-max`]}>
              {(c) => <input {...c} class="input" type="number" min={1} max={4000} inputMode="numeric" value={q.maxLength} onInput={(e) => updateQuestion(i, { maxLength: e.currentTarget.value })} />}
            </FormField>
            <div class="checkbox">
              <input id={`question-${i}-required`} type="checkbox" checked={q.required} onChange={(e) => updateQuestion(i, { required: e.currentTarget.checked })} />
              <label for={`question-${i}-required`}>{t('ws.question.required')}</label>
            </div>
            <p>
              <button type="button" class="button button--secondary" onClick={() => setQuestions(questions.filter((_, j) => j !== i))}>
                {t('ws.question.remove', { n: i + 1 })}
              </button>
            </p>
          </fieldset>
        ))}
        {questions.length < 10 && (
          <p>
            <button type="button" class="button button--secondary" onClick={() => setQuestions([...questions, { label: '', translation: '', maxLength: '1000', required: false }])}>
              {t('ws.question.add')}
            </button>
          </p>
        )}
        <div class="button-row">
          <button type="submit" class="button" disabled={busy}>
            {t('ws.series.create')}
          </button>
        </div>
      </form>
    </>
  );
}
