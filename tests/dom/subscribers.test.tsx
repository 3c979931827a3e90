import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/App';
import { createI18n, resources } from '../../renderer/i18n';
import type { ImportReport, ResponseOf, SubscriberCounts } from '../../shared/bridge/contract';
import { MAX_IMPORT_BYTES } from '../../renderer/features/subscribers/subscribersSlice';
import { demoHost, rig } from './fakes';
import type { FakeHost, Rig } from './fakes';

const hadObjectUrl = typeof URL.createObjectURL === 'function';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  // jsdom has no object URLs; the export test lends it some, and they must not outlive it.
  if (!hadObjectUrl) delete (URL as { createObjectURL?: unknown }).createObjectURL;
});

const admin = { id: 3, username: 'admin', displayName: 'Administrator', roles: ['admin'] as const };
const operator = { id: 7, username: 'jensen', displayName: 'Betjent Jensen', roles: ['operator'] as const };

type Person = ResponseOf<'subscribers.find'>;
const person: Person = {
  phone: '+4520123456',
  name: 'Mette <b>Hansen</b>',
  language: 'da',
  status: 'active',
  places: [{ kind: 'home', address: 'Slotsgade 1, 3400 Hillerød', lat: 55.93, lon: 12.3 }],
  groups: ['citizen', 'vejlaug'],
  categories: ['burglary'],
  quietStart: 22 * 60,
  quietEnd: 7 * 60 + 30,
  consentAt: '2025-03-01T10:00:00.000Z',
  consentMethod: 'web',
  consentTextVersion: 'v2',
  createdAt: '2025-03-01T10:00:00.000Z',
  updatedAt: '2025-03-02T10:00:00.000Z',
};

const report = (r: Partial<ImportReport>): ImportReport => ({
  imported: true,
  rows: 0,
  accepted: 0,
  rejected: [],
  refused: r.rejected?.length ?? 0,
  warnings: [],
  warned: 0,
  created: 0,
  updated: 0,
  keptOptedOut: 0,
  ...r,
});

/** A registry host: counts that change with imports and erasures, and `subscribers.changed` when they do. */
function registryHost(officer: typeof admin | typeof operator = admin) {
  const counts: SubscriberCounts = {
    total: 500,
    byStatus: { active: 480, paused: 12, opted_out: 8 },
    byGroup: { citizen: 470, taxi: 10, vejlaug: 3 },
    places: 650,
  };
  const people = new Map<string, Person>([[person.phone, person]]);
  let chars = 0;
  const host: FakeHost = demoHost({
    'session.current': () => ({ ok: true, value: { officer, officersExist: true, idleLockMinutes: 0 } }),
    'subscribers.counts': () => ({ ok: true, value: structuredClone(counts) }),
    'subscribers.find': (p) => {
      const found = people.get((p as { phone: string }).phone);
      return found ? { ok: true, value: found } : { ok: false, error: { code: 'not_found', message: 'No subscriber with that phone number' } };
    },
    // The host keeps the pieces of an upload under one id; the fake answers with 7 and the running length.
    'subscribers.importPart': (p) => {
      const part = p as { uploadId: number | null; content: string };
      chars = (part.uploadId === null ? 0 : chars) + part.content.length;
      return { ok: true, value: { uploadId: 7, chars } };
    },
    'subscribers.erase': (p) => {
      if (!people.delete((p as { phone: string }).phone)) return { ok: false, error: { code: 'not_found', message: 'none' } };
      counts.total -= 1;
      counts.byStatus.active -= 1;
      return { ok: true, value: { erased: true } };
    },
  });
  return { host, counts, people };
}

async function openSubscribers(r: Rig) {
  render(<App store={r.store} i18n={createI18n(r.store.getState().language)} />);
  fireEvent.click(await screen.findByTestId('nav-subscribers'));
  await waitFor(() => expect(screen.getByTestId('subscriber-counts').dataset.state).toBe('ready'));
  return r;
}

/** A picked file; jsdom's File has no text() (browsers do), so the test gives it one that reads the same content. */
function fileOf(text: string, name: string): File {
  const file = new File([text], name, { type: name.endsWith('.json') ? 'application/json' : 'text/csv' });
  Object.defineProperty(file, 'text', { value: () => Promise.resolve(text), configurable: true });
  return file;
}

/** A Blob's text through FileReader, which jsdom has. */
const blobText = (blob: Blob) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsText(blob);
  });
const pick = (file: File) => fireEvent.change(screen.getByTestId('import-file'), { target: { files: [file] } });

describe('Abonnenter: counts', () => {
  it('shows totals by status and active subscribers by translated group, and refreshes on subscribers.changed', async () => {
    const { host, counts } = registryHost(operator);
    await openSubscribers(rig({ host }));
    const panel = screen.getByTestId('subscriber-counts');
    expect(within(panel).getByTestId('count-total').textContent).toBe('500');
    expect(within(panel).getByTestId('count-active').textContent).toBe('480');
    expect(within(panel).getByTestId('count-paused').textContent).toBe('12');
    expect(within(panel).getByTestId('count-opted_out').textContent).toBe('8');
    expect(panel.textContent).toContain('Frameldt');
    expect(within(panel).getByTestId('count-group-citizen').textContent).toBe('Borgere470');
    expect(within(panel).getByTestId('count-group-taxi').textContent).toBe('Taxa10');
    // A group an admin added, with no translation, is shown by its code.
    expect(within(panel).getByTestId('count-group-vejlaug').textContent).toBe('vejlaug3');

    const asked = host.callsTo('subscribers.counts').length;
    counts.total = 34000;
    counts.byStatus.active = 33000;
    act(() => host.emit('subscribers.changed', { total: 34000 }));
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('34.000'));
    expect(screen.getByTestId('count-active').textContent).toBe('33.000');
    expect(host.callsTo('subscribers.counts').length).toBe(asked + 1);
  });

  it('tells an officer without the admin role that import and lookup need it, and offers neither', async () => {
    const { host } = registryHost(operator);
    await openSubscribers(rig({ host }));
    expect(screen.getByTestId('subscribers-admin-only').textContent).toContain('kræver administrator-rollen');
    expect(screen.queryByTestId('import-file')).toBeNull();
    expect(screen.queryByTestId('person-phone')).toBeNull();
  });

  it('shows a failed load translated, with a retry', async () => {
    const { host } = registryHost(operator);
    let down = true;
    const counts = host.handlers['subscribers.counts']!;
    host.handlers['subscribers.counts'] = (p) => (down ? { ok: false, error: { code: 'unavailable', message: 'down' } } : counts(p));
    render(<App store={rig({ host }).store} i18n={createI18n('da')} />);
    fireEvent.click(await screen.findByTestId('nav-subscribers'));
    await waitFor(() => expect(screen.getByTestId('subscriber-counts').dataset.state).toBe('failed'));
    expect(screen.getByTestId('error-note').textContent).toBe('Ingen forbindelse til værten lige nu.');
    down = false;
    fireEvent.click(screen.getByRole('button', { name: 'Prøv igen' }));
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('500'));
  });
});

describe('Abonnenter: import', () => {
  it('imports a clean file at once and shows created, updated and kept opted out', async () => {
    const { host } = registryHost();
    host.handlers['subscribers.import'] = () => ({ ok: true, value: report({ rows: 3, accepted: 3, created: 2, updated: 1, keptOptedOut: 1 }) });
    await openSubscribers(rig({ host }));
    const before = host.callsTo('subscribers.counts').length;
    pick(fileOf('phone,name\n20123456,A\n20123457,B\n20123458,C\n', 'nye.CSV'));

    const done = await screen.findByTestId('import-done');
    expect(done.textContent).toContain('nye.CSV er importeret.');
    expect(within(done).getByTestId('import-created').textContent).toBe('2');
    expect(within(done).getByTestId('import-updated').textContent).toBe('1');
    expect(within(done).getByTestId('import-keptOptedOut').textContent).toBe('1');
    expect(screen.queryByTestId('import-report')).toBeNull();
    expect(host.callsTo('subscribers.importPart').map((c) => c.payload)).toEqual([
      { uploadId: null, content: 'phone,name\n20123456,A\n20123457,B\n20123458,C\n', format: 'csv', fileName: 'nye.CSV', district: null },
    ]);
    const calls = host.callsTo('subscribers.import');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.payload).toEqual({ uploadId: 7, mode: 'all_or_nothing' });
    await waitFor(() => expect(host.callsTo('subscribers.counts').length).toBeGreaterThan(before));
  });

  it('shows the rows a file with errors has, translated, and imports only the good rows when the officer says so', async () => {
    const { host } = registryHost();
    const rejected = [
      { row: 3, code: 'phone_invalid', field: 'phone', message: 'not a valid phone number (too_short)' },
      { row: 7, code: 'unknown_group', field: 'groups', message: 'unknown group "<script>"' },
      { row: 9, code: 'something_new', field: 'x', message: 'a newer host' },
    ];
    host.handlers['subscribers.import'] = (p) =>
      (p as { mode: string }).mode === 'all_or_nothing'
        ? { ok: true, value: report({ imported: false, rows: 10, accepted: 7, rejected }) }
        : { ok: true, value: report({ rows: 10, accepted: 7, rejected, created: 7 }) };
    await openSubscribers(rig({ host }));
    const json = JSON.stringify([{ phone: '20123456' }]);
    pick(fileOf(json, 'liste.json'));

    const shown = await screen.findByTestId('import-report');
    expect(shown.textContent).toContain('Intet er importeret endnu: 3 rækker ud af 10 har fejl.');
    const row3 = within(shown).getByTestId('import-rejected-3');
    expect(within(row3).getAllByRole('cell').map((c) => c.textContent)).toEqual([
      'phone',
      'Ugyldigt telefonnummer',
      'Skriv et dansk mobilnummer med 8 cifre, evt. med +45 foran.',
    ]);
    // The host's English detail is kept as the cell's tooltip, not shown in the Danish text.
    expect(within(row3).getByTestId('import-fix').getAttribute('title')).toBe('not a valid phone number (too_short)');
    expect(within(row3).getByRole('rowheader').textContent).toBe('3');
    // Text from the file is text, never markup.
    const row7 = within(shown).getByTestId('import-rejected-7');
    expect(row7.textContent).toContain('Ukendt gruppe');
    expect(within(row7).getByTestId('import-fix').getAttribute('title')).toBe('unknown group "<script>"');
    expect(row7.querySelector('script')).toBeNull();
    expect(within(shown).getByTestId('import-rejected-9').textContent).toContain('Ukendt fejl');
    expect(host.callsTo('subscribers.import')).toHaveLength(1);
    expect(host.callsTo('subscribers.importPart')[0]!.payload).toMatchObject({ format: 'json', uploadId: null });
    expect(host.callsTo('subscribers.import')[0]!.payload).toEqual({ uploadId: 7, mode: 'all_or_nothing' });

    const accept = screen.getByTestId('import-accept-valid');
    expect(accept.textContent).toBe('Importér de 7 gyldige rækker');
    fireEvent.click(accept);
    const done = await screen.findByTestId('import-done');
    const calls = host.callsTo('subscribers.import');
    expect(calls).toHaveLength(2);
    // The second step imports the same upload again: the file is not sent twice.
    expect(calls[1]!.payload).toEqual({ uploadId: 7, mode: 'accepted_only' });
    expect(host.callsTo('subscribers.importPart')).toHaveLength(1);
    expect(within(done).getByTestId('import-created').textContent).toBe('7');
    expect(within(done).getByTestId('import-skipped').textContent).toBe('3');
  });

  it('sends a big file in pieces under one upload, and shows the rows imported with a warning (outside the district)', async () => {
    const { host } = registryHost();
    const warnings = [{ row: 3, code: 'outside_district', field: 'home_lat', message: 'the home place is outside Nordsjællands Politi (1470); imported all the same' }];
    host.handlers['subscribers.import'] = () => ({ ok: true, value: report({ rows: 3, accepted: 3, created: 3, warnings, warned: 1 }) });
    await openSubscribers(rig({ host }));
    const text = `phone,name\n${'20123456,Anna\n'.repeat(40_000)}`; // 560,011 characters: three pieces
    pick(fileOf(text, 'stor.csv'));
    const done = await screen.findByTestId('import-done');
    const parts = host.callsTo('subscribers.importPart').map((c) => c.payload as { uploadId: number | null; content: string });
    expect(parts.map((p) => p.uploadId)).toEqual([null, 7, 7]);
    expect(parts.map((p) => p.content).join('')).toBe(text);
    expect(within(done).getByTestId('import-warned').textContent).toBe('1');
    const row = within(screen.getByTestId('import-warnings')).getByTestId('import-warning-3');
    expect(row.textContent).toContain('Stedet ligger i Danmark, men uden for politikredsen');
    expect(row.querySelector('td[title]')?.getAttribute('title')).toContain('Nordsjællands Politi');
  });

  it('stops sending a file at the first piece the host refuses', async () => {
    const { host } = registryHost();
    host.handlers['subscribers.importPart'] = () => ({ ok: false, error: { code: 'bad_request', message: 'x.csv: line 2 is longer than 65536 characters; nothing was imported' } });
    await openSubscribers(rig({ host }));
    pick(fileOf(`phone,name\n20123456,${'x'.repeat(600_000)}\n`, 'x.csv'));
    await screen.findByTestId('import-failed');
    expect(host.callsTo('subscribers.importPart')).toHaveLength(1);
    expect(host.callsTo('subscribers.import')).toHaveLength(0);
  });

  it('imports nothing when the officer cancels the report', async () => {
    const { host } = registryHost();
    host.handlers['subscribers.import'] = () => ({
      ok: true,
      value: report({ imported: false, rows: 2, accepted: 1, rejected: [{ row: 2, code: 'phone_missing', field: 'phone', message: 'no phone number' }] }),
    });
    await openSubscribers(rig({ host }));
    pick(fileOf('phone\n20123456\n\n', 'a.csv'));
    await screen.findByTestId('import-report');
    expect(screen.getByTestId('import-rejected-2').textContent).toContain('Telefonnummer mangler');
    fireEvent.click(screen.getByTestId('import-cancel'));
    expect(screen.queryByTestId('import-report')).toBeNull();
    expect(screen.getByTestId('import').dataset.phase).toBe('idle');
    expect(host.callsTo('subscribers.import')).toHaveLength(1);
  });

  it('refuses a file over 64 MiB, and one that is neither CSV nor JSON, without sending it', async () => {
    const { host } = registryHost();
    host.handlers['subscribers.import'] = () => ({ ok: true, value: report({}) });
    await openSubscribers(rig({ host }));
    const big = fileOf('phone\n', 'stor.csv');
    Object.defineProperty(big, 'size', { value: MAX_IMPORT_BYTES + 1 });
    const read = vi.spyOn(big, 'text');
    pick(big);
    const refused = await screen.findByTestId('import-refused');
    expect(refused.dataset.refusal).toBe('too_large');
    expect(refused.textContent).toBe('stor.csv er større end 64 MiB og blev ikke sendt. Del filen op i mindre filer.');
    expect(read).not.toHaveBeenCalled();

    pick(fileOf('phone\n', 'liste.xlsx'));
    await waitFor(() => expect(screen.getByTestId('import-refused').dataset.refusal).toBe('unknown_format'));
    expect(host.callsTo('subscribers.import')).toHaveLength(0);
  });

  it('says the import failed, translated, when the host refuses it', async () => {
    const { host } = registryHost();
    host.handlers['subscribers.import'] = () => ({ ok: false, error: { code: 'forbidden', message: 'admins only' } });
    await openSubscribers(rig({ host }));
    pick(fileOf('phone\n20123456\n', 'a.csv'));
    const failed = await screen.findByTestId('import-failed');
    expect(failed.textContent).toContain('Importen af a.csv mislykkedes. Intet er importeret.');
    expect(failed.textContent).toContain('Din rolle må ikke gøre dette.');
  });
});

describe("Abonnenter: a person's data", () => {
  async function lookUp(phone: string) {
    fireEvent.change(screen.getByTestId('person-phone'), { target: { value: phone } });
    fireEvent.click(screen.getByTestId('person-find'));
  }

  it('looks a person up, shows their data as text, and exports it as JSON', async () => {
    const { host } = registryHost();
    await openSubscribers(rig({ host }));
    await lookUp(' +4520123456 ');
    const data = await screen.findByTestId('person-data');
    expect(host.callsTo('subscribers.find').at(-1)?.payload).toEqual({ phone: '+4520123456' });
    expect(within(data).getByTestId('person-phone').textContent).toBe('+4520123456');
    expect(within(data).getByTestId('person-name').textContent).toBe('Mette <b>Hansen</b>');
    expect(data.querySelector('b')).toBeNull();
    expect(within(data).getByTestId('person-status').textContent).toBe('Aktiv');
    expect(within(data).getByTestId('person-groups').textContent).toBe('Borgere, vejlaug');
    expect(within(data).getByTestId('person-categories').textContent).toBe('Indbrud');
    expect(within(data).getByTestId('person-quietHours').textContent).toBe('22:00–07:30');
    expect(within(data).getByTestId('person-places').textContent).toBe('Hjem: Slotsgade 1, 3400 Hillerød (55.93, 12.3)');
    expect(within(data).getByTestId('person-consentTextVersion').textContent).toBe('v2');

    const created = vi.fn((blob: Blob) => (void blob, 'blob:person'));
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() });
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    fireEvent.click(screen.getByRole('button', { name: 'Eksportér som JSON' }));
    const text = screen.getByTestId<HTMLTextAreaElement>('person-export-text');
    expect(text.readOnly).toBe(true);
    expect(JSON.parse(text.value)).toEqual(person);
    expect(created).toHaveBeenCalledTimes(1);
    expect(JSON.parse(await blobText(created.mock.calls[0]![0]))).toEqual(person);
    expect(clicked).toHaveBeenCalledTimes(1);
  });

  it('erases only after an explicit confirmation that says it cannot be undone, and the counts update', async () => {
    const { host, people } = registryHost();
    await openSubscribers(rig({ host }));
    await lookUp('+4520123456');
    await screen.findByTestId('person-data');

    fireEvent.click(screen.getByTestId('person-erase'));
    const dialog = screen.getByTestId('person-erase-dialog');
    expect(dialog.textContent).toContain('Slet +4520123456 og alle vedkommendes data, også steder og samtykke? Det kan ikke fortrydes.');
    expect(host.callsTo('subscribers.erase')).toHaveLength(0);
    // The safe choice has the focus; keeping the person closes the question without a call.
    expect(document.activeElement?.textContent).toBe('Fortryd');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Fortryd' }));
    expect(screen.queryByTestId('person-erase-dialog')).toBeNull();
    expect(host.callsTo('subscribers.erase')).toHaveLength(0);

    fireEvent.click(screen.getByTestId('person-erase'));
    fireEvent.click(screen.getByTestId('person-erase-confirm'));
    expect((await screen.findByTestId('person-erased')).textContent).toBe('+4520123456 og alle vedkommendes data er slettet.');
    expect(host.callsTo('subscribers.erase')[0]!.payload).toEqual({ phone: '+4520123456' });
    expect(people.size).toBe(0);
    expect(screen.queryByTestId('person-data')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('499'));
  });

  it("does not show one admin's lookup to the next officer who signs in at the console", async () => {
    const { host } = registryHost();
    const r = await openSubscribers(rig({ host }));
    await lookUp('+4520123456');
    await screen.findByTestId('person-data');
    // The same admin again (after a lock, say) keeps it.
    act(() => r.store.setState({ officer: { ...admin, roles: [...admin.roles] } }));
    expect(screen.getByTestId('person-data')).toBeTruthy();
    act(() => r.store.setState({ officer: { ...admin, roles: [...admin.roles], id: 4, username: 'admin2' } }));
    expect(screen.queryByTestId('person-data')).toBeNull();
    expect(r.store.getState().subscriberPerson.value).toBeNull();
  });

  it('says plainly when nobody has the number, and translates other refusals', async () => {
    const { host } = registryHost();
    await openSubscribers(rig({ host }));
    await lookUp('20999999');
    const error = await screen.findByTestId('person-error');
    expect(error.dataset.code).toBe('not_found');
    expect(error.textContent).toBe('Ingen abonnent med telefonnummeret 20999999.');
    expect(screen.queryByTestId('person-data')).toBeNull();

    host.handlers['subscribers.find'] = () => ({ ok: false, error: { code: 'bad_request', message: 'not a phone number' } });
    await lookUp('abc');
    await waitFor(() => expect(screen.getByTestId('person-error').textContent).toBe('abc er ikke et gyldigt telefonnummer.'));
  });
});

describe('Abonnenter: text', () => {
  it('has every Danish key of the screen in English too, and English is not Danish', () => {
    const keys = (v: unknown, prefix: string): string[] =>
      typeof v === 'string' ? [prefix] : Object.entries(v as object).flatMap(([k, x]) => keys(x, `${prefix}.${k}`));
    const da = keys(resources.da.translation.subscribers, 'subscribers').sort();
    const en = keys(resources.en.translation.subscribers, 'subscribers').sort();
    expect(en).toEqual(da);
    expect(da.length).toBeGreaterThan(80);
    const english = createI18n('en');
    expect(english.t('subscribers.import.reasons.duplicate_phone')).toBe('The phone number appears more than once in the file');
    expect(english.t('subscribers.person.erase')).toBe('Erase the person');
  });
});
