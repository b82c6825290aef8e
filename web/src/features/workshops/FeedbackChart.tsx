import { useId } from 'preact/hooks';
import { DataTable, type Column } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import type { FeedbackSummary } from './api';
import { ratingLabel } from './labels';

interface FeedbackChartProps {
  title: string;
  summary: FeedbackSummary;
  fileName: string;
}

interface Row {
  question: string;
  label: string;
  average: number;
  count: number;
  distribution: number[];
}

const width = 560;
const barHeight = 28;
const gap = 14;
const labelWidth = 170;
const valueWidth = 60;

/**
 * Average ratings (1 to 5) as a horizontal SVG bar chart. The SVG is one labelled image with a
 * text summary; the same numbers, with the distribution of answers, are in the table below it,
 * which screen readers and keyboards use and which exports as CSV. Bars grow from the inline
 * start, so the chart mirrors itself in right-to-left languages.
 */
export function FeedbackChart({ title, summary, fileName }: FeedbackChartProps) {
  const { t, formatNumber, direction } = useI18n();
  const titleId = useId();
  const descId = useId();
  const rows: Row[] = summary.ratings.map((r) => ({ question: r.question, label: ratingLabel(t, r.question), average: r.average, count: r.count, distribution: r.distribution }));
  const height = rows.length * (barHeight + gap) + gap;
  const scale = (width - labelWidth - valueWidth) / 5;
  const rtl = direction === 'rtl';
  const x = (value: number) => (rtl ? width - value : value);
  const description = rows.map((r) => t('ws.chart.rowSummary', { label: r.label, average: formatNumber(r.average, { maximumFractionDigits: 2 }), count: r.count })).join(' ');

  const columns: Column<Row>[] = [
    { key: 'question', header: t('ws.chart.question'), rowHeader: true, sortValue: (r) => r.label, cell: (r) => r.label },
    { key: 'average', header: t('ws.chart.average'), sortValue: (r) => r.average, cell: (r) => formatNumber(r.average, { maximumFractionDigits: 2 }) },
    { key: 'count', header: t('ws.chart.responses'), sortValue: (r) => r.count, cell: (r) => formatNumber(r.count) },
    ...[1, 2, 3, 4, 5].map(
      (score): Column<Row> => ({
        key: `score-${score}`,
        header: t('ws.chart.score', { score }),
        sortValue: (r) => r.distribution[score - 1] ?? 0,
        cell: (r) => formatNumber(r.distribution[score - 1] ?? 0),
      }),
    ),
  ];

  return (
    <figure class="ws-chart">
      <figcaption>
        <strong>{title}</strong> — {t('ws.chart.responsesCount', { count: summary.responses })}
      </figcaption>
      {summary.responses > 0 && (
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${titleId} ${descId}`} focusable="false">
          <title id={titleId}>{title}</title>
          <desc id={descId}>{description}</desc>
          {rows.map((r, i) => {
            const y = gap + i * (barHeight + gap);
            const barStart = labelWidth;
            const barLength = Math.max(0, r.average) * scale;
            return (
              <g key={r.question}>
                <text x={x(labelWidth - 8)} y={y + barHeight / 2} dominant-baseline="middle" text-anchor={rtl ? 'start' : 'end'}>
                  {r.label}
                </text>
                <rect x={rtl ? width - barStart - 5 * scale : barStart} y={y} width={5 * scale} height={barHeight} fill="#e5e7eb" />
                <rect x={rtl ? width - barStart - barLength : barStart} y={y} width={barLength} height={barHeight} fill="#0b5cad" />
                <text x={x(barStart + 5 * scale + 8)} y={y + barHeight / 2} dominant-baseline="middle" text-anchor={rtl ? 'end' : 'start'}>
                  {formatNumber(r.average, { maximumFractionDigits: 2 })}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <DataTable caption={t('ws.chart.tableCaption', { title })} columns={columns} rows={rows} rowKey={(r) => r.question} emptyText={t('ws.chart.empty')} exportFileName={fileName} />
      {summary.comments.length > 0 && (
        <>
          <h4>{t('ws.chart.comments')}</h4>
          <ul>
            {summary.comments.map((c, i) => (
              <li key={i} class="ws-answer" dir="auto">
                {c}
              </li>
            ))}
          </ul>
        </>
      )}
    </figure>
  );
}
