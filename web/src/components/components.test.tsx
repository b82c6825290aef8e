import { act, fireEvent, screen, within } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { describe, expect, it, vi } from 'vitest';
import { toCsv } from './csv';
import { DataTable, type Column } from './DataTable';
import { Dialog } from './Dialog';
import { ErrorSummary, mapProblemErrors } from './ErrorSummary';
import { FormField } from './FormField';
import { LanguageOptions } from './LanguageOptions';
import { ProgressBar } from './ProgressBar';
import { StatusBadge } from './StatusBadge';
import { renderWithProviders } from './testing';
import { Timeline } from './Timeline';
import { toastTimeoutMs, useToast } from './Toasts';

describe('FormField', () => {
  it('labels the control and wires hint and error to it', () => {
    renderWithProviders(
      <FormField id="name" label="Name" hint="Your full name" error="Enter your name">
        {(control) => <input {...control} type="text" />}
      </FormField>,
    );
    const input = screen.getByLabelText('Name');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('name-hint name-error');
    expect(document.getElementById('name-hint')!.textContent).toBe('Your full name');
    expect(document.getElementById('name-error')!.textContent).toBe('Error: Enter your name');
  });

  it('has no error state without an error', () => {
    renderWithProviders(<FormField id="x" label="X" optional>{(control) => <input {...control} />}</FormField>);
    const input = screen.getByLabelText(/X/);
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(input.hasAttribute('aria-describedby')).toBe(false);
    expect(screen.getByText('(optional)')).toBeTruthy();
  });

  it('marks a required field for assistive technology and with a visible word', () => {
    renderWithProviders(<FormField id="q" label="Your challenge" required>{(control) => <textarea {...control} />}</FormField>);
    const textarea = screen.getByRole('textbox');
    expect(textarea.getAttribute('aria-required')).toBe('true');
    expect(document.querySelector('label[for="q"]')!.textContent).toBe('Your challenge (required)');
  });
});

describe('ErrorSummary', () => {
  it('takes focus and links each error to its field', () => {
    renderWithProviders(
      <>
        <ErrorSummary attempt={1} errors={[{ fieldId: 'email', message: 'Enter an email address' }, { message: 'Try again later' }]} />
        <input id="email" aria-label="Email" />
      </>,
    );
    const heading = screen.getByRole('heading', { name: 'There is a problem' });
    const summary = heading.parentElement!;
    expect(document.activeElement).toBe(summary);
    expect(screen.getByRole('alert')).toBe(summary);
    const link = within(summary).getByRole('link', { name: 'Enter an email address' });
    expect(link.getAttribute('href')).toBe('#email');
    fireEvent.click(link);
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
    expect(within(summary).getByText('Try again later').tagName).toBe('LI');
  });

  it('renders nothing without errors', () => {
    const { container } = renderWithProviders(<ErrorSummary attempt={0} errors={[]} />);
    expect(container.querySelector('.error-summary')).toBeNull();
  });

  it('maps a ValidationProblem errors dictionary onto fields', () => {
    const mapped = mapProblemErrors(
      { Reason: ['Too long.'], '$.eventName': ['Required.'], '': ['Body unreadable.'] },
      { reason: 'reason-field', eventName: 'name-field' },
    );
    expect(mapped.fieldErrors).toEqual({ 'reason-field': 'Too long.', 'name-field': 'Required.' });
    expect(mapped.summary).toEqual([
      { fieldId: 'reason-field', message: 'Too long.' },
      { fieldId: 'name-field', message: 'Required.' },
      { message: 'Body unreadable.' },
    ]);
  });
});

interface Row {
  id: string;
  name: string;
  count: number;
}

const columns: Column<Row>[] = [
  { key: 'name', header: 'Name', cell: (r) => r.name, sortValue: (r) => r.name },
  { key: 'count', header: 'Count', cell: (r) => r.count, sortValue: (r) => r.count },
  { key: 'id', header: 'Id', cell: (r) => <em>{r.id}</em> },
];

const rows: Row[] = [
  { id: 'a', name: 'Beta', count: 3 },
  { id: 'b', name: 'alpha', count: 10 },
  { id: 'c', name: 'Gamma, "quoted"', count: 1 },
];

function pageStatus() {
  return document.querySelector('.data-table__page-status')!.textContent;
}

function bodyTexts() {
  return screen.getAllByRole('row').slice(1).map((row) => row.firstElementChild!.textContent);
}

describe('DataTable', () => {
  it('has a caption, column headers and row headers', () => {
    renderWithProviders(<DataTable caption="Things" columns={columns} rows={rows} rowKey={(r) => r.id} emptyText="None" />);
    expect(screen.getByRole('table', { name: 'Things' })).toBeTruthy();
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent?.replace(/[▲▼↕]/g, ''))).toEqual(['Name', 'Count', 'Id']);
    expect(screen.getAllByRole('rowheader')).toHaveLength(3);
  });

  it('sorts with buttons in the headers and reports the order in aria-sort', () => {
    renderWithProviders(<DataTable caption="Things" columns={columns} rows={rows} rowKey={(r) => r.id} emptyText="None" />);
    const countHeader = screen.getAllByRole('columnheader')[1]!;
    expect(countHeader.getAttribute('aria-sort')).toBe('none');
    expect(screen.getAllByRole('columnheader')[2]!.hasAttribute('aria-sort')).toBe(false);
    fireEvent.click(within(countHeader).getByRole('button'));
    expect(countHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(bodyTexts()).toEqual(['Gamma, "quoted"', 'Beta', 'alpha']);
    fireEvent.click(within(countHeader).getByRole('button'));
    expect(countHeader.getAttribute('aria-sort')).toBe('descending');
    expect(bodyTexts()).toEqual(['alpha', 'Beta', 'Gamma, "quoted"']);
    fireEvent.click(within(screen.getAllByRole('columnheader')[0]!).getByRole('button'));
    expect(countHeader.getAttribute('aria-sort')).toBe('none');
    expect(bodyTexts()).toEqual(['alpha', 'Beta', 'Gamma, "quoted"']);
  });

  it('pages on the client with previous/next and a page status', () => {
    renderWithProviders(<DataTable caption="Things" columns={columns} rows={rows} rowKey={(r) => r.id} emptyText="None" pageSize={2} />);
    expect(pageStatus()).toBe('Page 1 of 2');
    const previous = screen.getByRole('button', { name: 'Previous page' });
    expect(previous.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(pageStatus()).toBe('Page 2 of 2');
    expect(bodyTexts()).toEqual(['Gamma, "quoted"']);
    expect(screen.getByRole('button', { name: 'Next page' }).getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(previous);
    expect(pageStatus()).toBe('Page 1 of 2');
  });

  it('delegates paging to the server when asked', () => {
    const onNext = vi.fn();
    renderWithProviders(
      <DataTable
        caption="Things"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        emptyText="None"
        serverPaging={{ page: 3, hasPrevious: true, hasNext: true, onPrevious: vi.fn(), onNext }}
      />,
    );
    expect(pageStatus()).toBe('Page 3');
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(onNext).toHaveBeenCalledOnce();
  });

  it('shows the empty state in the table', () => {
    renderWithProviders(<DataTable caption="Things" columns={columns} rows={[]} rowKey={(r) => r.id} emptyText="Nothing here." exportFileName="x.csv" />);
    expect(screen.getByRole('cell', { name: 'Nothing here.' }).getAttribute('colspan')).toBe('3');
    expect((screen.getByRole('button', { name: 'Export CSV' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('exports the visible rows as a UTF-8 CSV with a byte-order mark', async () => {
    let blob: Blob | undefined;
    const create = vi.fn((b: Blob) => {
      blob = b;
      return 'blob:x';
    });
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: create, revokeObjectURL: vi.fn() }));
    renderWithProviders(<DataTable caption="Things" columns={columns} rows={rows} rowKey={(r) => r.id} emptyText="None" pageSize={2} exportFileName="things.csv" />);
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(create).toHaveBeenCalledOnce();
    expect(blob!.type).toBe('text/csv;charset=utf-8');
    const bytes = new Uint8Array(await blob!.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe('Name,Count,Id\r\nBeta,3,a\r\nalpha,10,b\r\n');
  });

  it('quotes CSV cells and neutralises formulas', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['=SUM(A1)', -5], [null, new Date(Date.UTC(2025, 0, 2))]])).toBe(
      '\uFEFFa,b\r\n"x,y","say ""hi"""\r\n\'=SUM(A1),-5\r\n,2025-01-02T00:00:00.000Z\r\n',
    );
  });
});

function DialogHarness({ onClose }: { onClose?: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      <Dialog
        open={open}
        title="Confirm it"
        description="Really?"
        onClose={() => {
          setOpen(false);
          onClose?.();
        }}
      >
        <input aria-label="Inside" />
      </Dialog>
    </>
  );
}

describe('Dialog', () => {
  it('opens modally, is labelled, and closes on Escape with focus back on the opener', async () => {
    const onClose = vi.fn();
    renderWithProviders(<DialogHarness onClose={onClose} />);
    const opener = screen.getByRole('button', { name: 'Open' });
    opener.focus();
    fireEvent.click(opener);
    const dialog = document.querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe('Confirm it');
    expect(document.getElementById(dialog.getAttribute('aria-describedby')!)!.textContent).toBe('Really?');
    expect(document.activeElement).toBe(screen.getByLabelText('Inside'));

    fireEvent.keyDown(dialog, { key: 'Escape' });
    await act(async () => {});
    expect(dialog.open).toBe(false);
    expect(onClose).toHaveBeenCalled();
    expect(document.activeElement).toBe(opener);
  });

  it('closes from its close button', async () => {
    renderWithProviders(<DialogHarness />);
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    await act(async () => {});
    expect(document.querySelector('dialog')!.open).toBe(false);
  });
});

function ToastHarness() {
  const toast = useToast();
  return (
    <>
      <button type="button" onClick={() => toast.show('Saved.', 'success')}>
        Save
      </button>
      <button type="button" onClick={() => toast.show('It broke.', 'error')}>
        Break
      </button>
    </>
  );
}

describe('Toasts', () => {
  it('announces in a polite region; successes expire, errors stay until dismissed', () => {
    vi.useFakeTimers();
    try {
      renderWithProviders(<ToastHarness />);
      const region = document.querySelector<HTMLElement>('.toasts')!;
      expect(region.getAttribute('aria-live')).toBe('polite');
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
      fireEvent.click(screen.getByRole('button', { name: 'Break' }));
      expect(within(region).getByRole('heading', { name: 'Notifications' })).toBeTruthy();
      expect(region.textContent).toContain('Saved.');
      expect(region.textContent).toContain('Error: It broke.');
      act(() => {
        vi.advanceTimersByTime(toastTimeoutMs + 10);
      });
      expect(region.textContent).not.toContain('Saved.');
      expect(region.textContent).toContain('It broke.');
      fireEvent.click(within(region).getByRole('button', { name: 'Dismiss' }));
      expect(region.textContent).toBe('');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Timeline', () => {
  it('lists events in order with machine-readable times in the reader’s locale and time zone', () => {
    const time = new Date(Date.UTC(2025, 2, 4, 9, 5, 7));
    renderWithProviders(
      <Timeline
        label="History"
        emptyText="Nothing yet"
        timeZone="Asia/Riyadh"
        events={[
          { id: '1', time, title: 'Started' },
          { id: '2', time: null, title: 'Waiting', detail: 'for approval' },
        ]}
      />,
      'ar',
    );
    const list = screen.getByRole('list', { name: 'History' });
    expect(list.tagName).toBe('OL');
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    const timeElement = items[0]!.querySelector('time')!;
    expect(timeElement.getAttribute('datetime')).toBe('2025-03-04T09:05:07.000Z');
    expect(timeElement.textContent).toBe(
      new Intl.DateTimeFormat('ar', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Asia/Riyadh' }).format(time),
    );
    expect(items[1]!.textContent).toContain('for approval');
  });

  it('says so when there are no events', () => {
    renderWithProviders(<Timeline label="History" emptyText="Nothing yet" events={[]} />);
    expect(screen.getByText('Nothing yet')).toBeTruthy();
  });
});

describe('ProgressBar and StatusBadge', () => {
  it('shows a labelled native progress with "n of N" in words', () => {
    renderWithProviders(<ProgressBar label="Sent" value={3} max={12} />);
    const progress = screen.getByLabelText('Sent') as HTMLProgressElement;
    expect(progress.tagName).toBe('PROGRESS');
    expect(progress.value).toBe(3);
    expect(progress.max).toBe(12);
    expect(progress.getAttribute('aria-valuetext')).toBe('3 of 12');
    expect(screen.getAllByText('3 of 12').length).toBeGreaterThan(0);
  });

  it('formats the numbers in the reader’s language', () => {
    renderWithProviders(<ProgressBar label="x" value={1200} max={5000} />, 'ar');
    const fmt = new Intl.NumberFormat('ar');
    expect(screen.getByLabelText('x').getAttribute('aria-valuetext')).toBe(`${fmt.format(1200)} من ${fmt.format(5000)}`);
  });

  it('states the status in words with a symbol, not colour alone', () => {
    renderWithProviders(<StatusBadge label="Failed" tone="danger" />);
    const badge = screen.getByText('Failed', { exact: false });
    expect(badge.textContent).toBe('✕ Failed');
    expect(badge.querySelector('[aria-hidden="true"]')!.textContent).toBe('✕');
  });
});

describe('LanguageOptions', () => {
  it('offers every portal language by its own name, marked with its language', () => {
    renderWithProviders(
      <label>
        Language
        <select>
          <LanguageOptions />
        </select>
      </label>,
    );
    const options = within(screen.getByLabelText('Language')).getAllByRole('option') as HTMLOptionElement[];
    expect(options.map((o) => o.value)).toEqual(['en', 'ar', 'he', 'el', 'pl', 'bg', 'lv', 'hu']);
    expect(options[1]!.textContent).toBe('العربية');
    expect(options[1]!.getAttribute('lang')).toBe('ar');
  });

  it('leaves out the language a text is already given in', () => {
    renderWithProviders(
      <label>
        Translation
        <select>
          <LanguageOptions except="en" />
        </select>
      </label>,
    );
    const options = within(screen.getByLabelText('Translation')).getAllByRole('option') as HTMLOptionElement[];
    expect(options.map((o) => o.value)).toEqual(['ar', 'he', 'el', 'pl', 'bg', 'lv', 'hu']);
  });
});
