import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/describe';
import { downloadText } from '../../components/csv';
import { ErrorSummary } from '../../components/ErrorSummary';
import { useToast } from '../../components/Toasts';
import { useFormFailure } from '../../components/useFormFailure';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/catalogue';
import { Link } from '../../router/router';
import { RequireRole } from '../../session/RequireRole';
import { PageHeading } from '../../shell/PageHeading';
import { challengesPath, cohortRoles, listChallenges, saveFishbone, type Challenge, type Fishbone, type FishboneCategory } from './api';
import { problemMessage } from './labels';
import { describeFishbone, layoutFishbone } from './fishbone';
import './cohorts.css';

const defaultCategories: MessageKey[] = [
  'cohort.fishbone.default.methods',
  'cohort.fishbone.default.people',
  'cohort.fishbone.default.technology',
  'cohort.fishbone.default.information',
  'cohort.fishbone.default.measurement',
  'cohort.fishbone.default.environment',
];

/** A challenge's fishbone diagram: edited with ordinary form controls, drawn as SVG, saved, and exported as PNG or SVG. */
export function FishbonePage({ cohortId, personId }: { cohortId: string; personId: string }) {
  return (
    <RequireRole roles={cohortRoles} titleKey="cohort.fishbone">
      <FishboneEditor cohortId={cohortId} personId={personId} />
    </RequireRole>
  );
}

function FishboneEditor({ cohortId, personId }: { cohortId: string; personId: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [categories, setCategories] = useState<FishboneCategory[]>([]);
  const [failure, setFailure] = useState('');
  const { summary, fieldErrors, attempt, fail, clear } = useFormFailure(problemMessage);
  const svgRef = useRef<SVGSVGElement>(null);

  useEffect(() => {
    listChallenges(cohortId)
      .then((list) => {
        const found = list.find((c) => c.personId === personId);
        if (!found) {
          setFailure(t('cohort.fishbone.notFound'));
          return;
        }
        setChallenge(found);
        setCategories(found.fishbone.categories);
      })
      .catch((error: unknown) => setFailure(describeError(error, t)));
  }, [cohortId, personId]);

  const fishbone: Fishbone = { categories };
  const layout = useMemo(() => layoutFishbone(challenge?.title ?? '', fishbone), [challenge?.title, categories]);

  if (!challenge) {
    return (
      <>
        <PageHeading>{t('cohort.fishbone')}</PageHeading>
        {failure ? <p class="notice notice--error">{failure}</p> : <p role="status">{t('cohort.loading')}</p>}
      </>
    );
  }

  const update = (i: number, change: (c: FishboneCategory) => FishboneCategory) => setCategories(categories.map((c, j) => (j === i ? change(c) : c)));
  const fields: Record<string, string> = { categories: 'fb-categories' };
  categories.forEach((c, i) => {
    fields[`categories[${i}].name`] = `fb-cat-${i}`;
    fields[`categories[${i}].causes`] = `fb-cat-${i}`;
    c.causes.forEach((k, j) => {
      fields[`categories[${i}].causes[${j}].text`] = `fb-cause-${i}-${j}`;
      fields[`categories[${i}].causes[${j}].subCauses`] = `fb-cause-${i}-${j}`;
      k.subCauses.forEach((_, s) => (fields[`categories[${i}].causes[${j}].subCauses[${s}]`] = `fb-sub-${i}-${j}-${s}`));
    });
  });

  const save = async (event: Event) => {
    event.preventDefault();
    try {
      const next = await saveFishbone(cohortId, personId, fishbone, challenge.eTag);
      setChallenge(next);
      setCategories(next.fishbone.categories);
      clear();
      toast.show(t('cohort.fishbone.saved'), 'success');
    } catch (error) {
      fail(error, fields);
    }
  };

  const fileBase = `fishbone-${challenge.title.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 40) || challenge.personId}`;
  const svgText = () => {
    const svg = svgRef.current!.cloneNode(true) as SVGSVGElement;
    svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    return new XMLSerializer().serializeToString(svg);
  };
  const exportSvg = () => downloadText(`${fileBase}.svg`, svgText(), 'image/svg+xml;charset=utf-8');
  const exportPng = () => {
    const image = new Image();
    const url = URL.createObjectURL(new Blob([svgText()], { type: 'image/svg+xml;charset=utf-8' }));
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = layout.width * 2;
      canvas.height = layout.height * 2;
      const context = canvas.getContext('2d');
      if (!context) return;
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.scale(2, 2);
      context.drawImage(image, 0, 0);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => {
        if (!blob) return;
        const link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = `${fileBase}.png`;
        link.hidden = true;
        document.body.append(link);
        link.click();
        link.remove();
      }, 'image/png');
    };
    image.src = url;
  };

  return (
    <>
      <p class="back-link">
        <Link href={challengesPath(cohortId)}>{t('cohort.fishbone.back')}</Link>
      </p>
      <PageHeading>{t('cohort.fishbone.heading', { title: challenge.title })}</PageHeading>
      <p class="lead" dir="auto">
        {challenge.name}
      </p>
      <figure class="fishbone-figure">
        <div class="fishbone-scroll" tabIndex={0} role="region" aria-label={t('cohort.fishbone.diagram')}>
          <svg
            ref={svgRef}
            class="fishbone"
            viewBox={`0 0 ${layout.width} ${layout.height}`}
            width={layout.width}
            height={layout.height}
            role="img"
            aria-labelledby="fishbone-title fishbone-desc"
            direction="ltr"
            font-family="system-ui, sans-serif"
          >
            <title id="fishbone-title">{t('cohort.fishbone.heading', { title: challenge.title })}</title>
            <desc id="fishbone-desc">{describeFishbone(challenge.title, fishbone)}</desc>
            <rect x="0" y="0" width={layout.width} height={layout.height} fill="#ffffff" />
            {layout.lines.map((l, i) => (
              <line key={i} x1={l.x1} y1={l.y1} x2={l.x2} y2={l.y2} stroke={l.kind === 'rib' ? '#555555' : '#0b3d6b'} stroke-width={l.kind === 'spine' ? 4 : l.kind === 'bone' ? 2.5 : 1.2} />
            ))}
            <rect x={layout.head.x} y={layout.head.y} width={layout.head.width} height={layout.head.height} rx="6" fill="#0b3d6b" />
            {layout.labels.map((l, i) => (
              <text
                key={i}
                x={l.x}
                y={l.y}
                text-anchor={l.anchor}
                font-size={l.kind === 'subCause' ? 11 : l.kind === 'cause' ? 13 : 15}
                font-weight={l.kind === 'category' || l.kind === 'head' ? 700 : 400}
                fill={l.kind === 'head' ? '#ffffff' : l.kind === 'subCause' ? '#444444' : '#111111'}
              >
                {l.text}
              </text>
            ))}
          </svg>
        </div>
        <figcaption>{t('cohort.fishbone.caption')}</figcaption>
      </figure>
      <div class="button-row">
        <button type="button" class="button button--secondary" onClick={exportPng}>
          {t('cohort.fishbone.exportPng')}
        </button>
        <button type="button" class="button button--secondary" onClick={exportSvg}>
          {t('cohort.fishbone.exportSvg')}
        </button>
      </div>

      <ErrorSummary errors={summary} attempt={attempt} />
      <form onSubmit={save} noValidate>
        <h2 id="fb-categories" tabIndex={-1}>
          {t('cohort.fishbone.edit')}
        </h2>
        {categories.length === 0 && (
          <p>
            <button type="button" class="button button--secondary" onClick={() => setCategories(defaultCategories.map((k) => ({ name: t(k), causes: [] })))}>
              {t('cohort.fishbone.useDefaults')}
            </button>
          </p>
        )}
        {categories.map((c, i) => (
          <fieldset class="form-group fishbone-category" key={i}>
            <legend>{t('cohort.fishbone.category', { n: i + 1 })}</legend>
            <div class="repeated-row">
              <div class="form-field">
                <label class="form-field__label" for={`fb-cat-${i}`}>
                  {t('cohort.fishbone.categoryName')}
                </label>
                <input id={`fb-cat-${i}`} class="input" type="text" maxLength={80} value={c.name} aria-invalid={fieldErrors[`fb-cat-${i}`] ? 'true' : undefined} onInput={(e) => update(i, (x) => ({ ...x, name: e.currentTarget.value }))} />
                {fieldErrors[`fb-cat-${i}`] && <p class="form-field__error">{fieldErrors[`fb-cat-${i}`]}</p>}
              </div>
              <button type="button" class="button button--secondary repeated-row__remove" onClick={() => setCategories(categories.filter((_, j) => j !== i))}>
                {t('cohort.fishbone.removeCategory')}
                <span class="visually-hidden"> {c.name}</span>
              </button>
            </div>
            <ul class="fishbone-causes">
              {c.causes.map((k, j) => (
                <li key={j}>
                  <div class="repeated-row">
                    <div class="form-field">
                      <label class="form-field__label" for={`fb-cause-${i}-${j}`}>
                        {t('cohort.fishbone.cause', { n: j + 1 })}
                      </label>
                      <input
                        id={`fb-cause-${i}-${j}`}
                        class="input"
                        type="text"
                        maxLength={150}
                        value={k.text}
                        aria-invalid={fieldErrors[`fb-cause-${i}-${j}`] ? 'true' : undefined}
                        onInput={(e) => update(i, (x) => ({ ...x, causes: x.causes.map((y, m) => (m === j ? { ...y, text: e.currentTarget.value } : y)) }))}
                      />
                      {fieldErrors[`fb-cause-${i}-${j}`] && <p class="form-field__error">{fieldErrors[`fb-cause-${i}-${j}`]}</p>}
                    </div>
                    <button type="button" class="button button--secondary repeated-row__remove" onClick={() => update(i, (x) => ({ ...x, causes: x.causes.filter((_, m) => m !== j) }))}>
                      {t('cohort.fishbone.removeCause')}
                      <span class="visually-hidden"> {k.text}</span>
                    </button>
                  </div>
                  <ul class="fishbone-subcauses">
                    {k.subCauses.map((s, n) => (
                      <li key={n} class="repeated-row">
                        <div class="form-field">
                          <label class="form-field__label" for={`fb-sub-${i}-${j}-${n}`}>
                            {t('cohort.fishbone.subCause', { n: n + 1 })}
                          </label>
                          <input
                            id={`fb-sub-${i}-${j}-${n}`}
                            class="input"
                            type="text"
                            maxLength={150}
                            value={s}
                            onInput={(e) =>
                              update(i, (x) => ({ ...x, causes: x.causes.map((y, m) => (m === j ? { ...y, subCauses: y.subCauses.map((z, q) => (q === n ? e.currentTarget.value : z)) } : y)) }))
                            }
                          />
                          {fieldErrors[`fb-sub-${i}-${j}-${n}`] && <p class="form-field__error">{fieldErrors[`fb-sub-${i}-${j}-${n}`]}</p>}
                        </div>
                        <button
                          type="button"
                          class="button button--secondary repeated-row__remove"
                          onClick={() => update(i, (x) => ({ ...x, causes: x.causes.map((y, m) => (m === j ? { ...y, subCauses: y.subCauses.filter((_, q) => q !== n) } : y)) }))}
                        >
                          {t('cohort.fishbone.removeSubCause')}
                          <span class="visually-hidden"> {s}</span>
                        </button>
                      </li>
                    ))}
                  </ul>
                  {k.subCauses.length < 5 && (
                    <button type="button" class="button button--secondary" onClick={() => update(i, (x) => ({ ...x, causes: x.causes.map((y, m) => (m === j ? { ...y, subCauses: [...y.subCauses, ''] } : y)) }))}>
                      {t('cohort.fishbone.addSubCause')}
                      <span class="visually-hidden"> {k.text}</span>
                    </button>
                  )}
                </li>
              ))}
            </ul>
            {c.causes.length < 10 && (
              <button type="button" class="button button--secondary" onClick={() => update(i, (x) => ({ ...x, causes: [...x.causes, { text: '', subCauses: [] }] }))}>
                {t('cohort.fishbone.addCause')}
                <span class="visually-hidden"> {c.name}</span>
              </button>
            )}
          </fieldset>
        ))}
        <div class="button-row">
          {categories.length < 8 && (
            <button type="button" class="button button--secondary" onClick={() => setCategories([...categories, { name: '', causes: [] }])}>
              {t('cohort.fishbone.addCategory')}
            </button>
          )}
          <button type="submit" class="button">
            {t('cohort.fishbone.save')}
          </button>
        </div>
      </form>
    </>
  );
}
