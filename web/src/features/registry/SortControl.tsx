import { useI18n } from '../../i18n/I18nProvider';

interface SortControlProps {
  id: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (value: string) => void;
}

/** Sorting done by the server, over the whole list (a table header only sorts what is shown). */
export function SortControl({ id, value, options, onChange }: SortControlProps) {
  const { t } = useI18n();
  return (
    <div class="form-field registry-sort">
      <label class="form-field__label" for={id}>
        {t('registry.sortBy')}
      </label>
      <select id={id} class="input" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.flatMap((o) => [
          <option key={o.value} value={o.value}>
            {t('registry.sortAscending', { field: o.label })}
          </option>,
          <option key={`-${o.value}`} value={`-${o.value}`}>
            {t('registry.sortDescending', { field: o.label })}
          </option>,
        ])}
      </select>
    </div>
  );
}
