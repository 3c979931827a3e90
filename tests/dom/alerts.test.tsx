import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { SAFETY_NET_KEY } from '../../renderer/features/alerts/alertsSlice';
import { createI18n } from '../../renderer/i18n';
import type { Alert } from '../../shared/alerts/schema';
import { alertsHost, approver, burglaryTemplate, makeAlert, operator, squareArea } from './alerts.host';
import { deferred, rig } from './fakes';
import { makeSend } from './monitor.host';
import type { Rig } from './fakes';

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});

async function openAlerts(r: Rig) {
  render(<App store={r.store} i18n={createI18n(r.store.getState().language)} />);
  fireEvent.click(await screen.findByTestId('nav-alerts'));
  return r;
}

async function openDraft(r: Rig, id: number) {
  await openAlerts(r);
  fireEvent.click(await screen.findByTestId(`alert-item-${id}`));
  return await screen.findByTestId<HTMLTextAreaElement>('sms-text');
}

const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const updates = (r: Rig) => r.host.callsTo('alerts.update').map((c) => (c.payload as { patch: Partial<Alert> }).patch);

describe('importing CAP', () => {
  const upload = (text: string) => {
    const file = new File([text], 'varsel.xml', { type: 'application/xml' });
    Object.defineProperty(file, 'text', { value: () => Promise.resolve(text) }); // jsdom's File has no text()
    fireEvent.change(screen.getByTestId('import-cap'), { target: { files: [file] } });
  };

  it('opens the imported draft, and shows a refusal in Danish without making one', async () => {
    const imported = makeAlert({ id: 77, category: 'missing_person', smsText: 'Savnet: dreng på 8 år', area: squareArea });
    let refuse = true;
    const a = alertsHost({}, {
      'alerts.importCap': () =>
        refuse
          ? { ok: false, error: { code: 'bad_request', message: 'Not an acceptable CAP 1.2 alert: Document type and entity declarations are not accepted' } }
          : { ok: true, value: { alert: imported, warnings: [] } },
      'alerts.get': () => ({ ok: true, value: imported }),
    });
    const r = await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('new-alert-open'));
    upload('<!DOCTYPE a [<!ENTITY x "x">]><alert/>');
    await screen.findByText('Forespørgslen var ugyldig.', { exact: false });
    expect(screen.queryByTestId('sms-text')).toBeNull();
    refuse = false;
    upload('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>');
    const sms = await screen.findByTestId<HTMLTextAreaElement>('sms-text');
    expect(sms.value).toBe('Savnet: dreng på 8 år');
    expect(r.host.callsTo('alerts.importCap').map((c) => (c.payload as { xml: string }).xml)).toEqual([
      '<!DOCTYPE a [<!ENTITY x "x">]><alert/>',
      '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>',
    ]);
  });

  it('refuses a file over 1 MB before sending it', async () => {
    const a = alertsHost();
    const r = await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('new-alert-open'));
    upload('x'.repeat(1024 * 1024 + 1));
    await screen.findByText(/større end 1 MB/);
    expect(r.host.callsTo('alerts.importCap')).toEqual([]);
  });
});

describe('the composer', () => {
  it('creates a draft from a template chosen by category and fills the SMS from the fields', async () => {
    const a = alertsHost();
    const r = await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('new-alert-open'));
    fireEvent.change(screen.getByTestId('new-category'), { target: { value: 'burglary' } });
    expect(screen.getByTestId<HTMLSelectElement>('new-template').value).toBe(burglaryTemplate.id);
    fireEvent.click(screen.getByTestId('new-create'));
    const sms = await screen.findByTestId<HTMLTextAreaElement>('sms-text');
    expect(r.host.callsTo('alerts.create')[0]?.payload).toEqual({ category: 'burglary', kind: 'alert', language: 'da', templateId: burglaryTemplate.id });
    expect(screen.getByTestId('blockers').textContent).toContain('Udfyld de felter');

    type(screen.getByTestId('field-area'), 'Hillerød Øst');
    type(screen.getByTestId('field-time'), 'i nat');
    expect(sms.value).toBe('Politiet: Indbrud i Hillerød Øst i nat. Se du noget, så svar på denne SMS eller ring 114.');
    expect(screen.getByTestId<HTMLTextAreaElement>('social-text').value).toBe('Indbrud i Hillerød Øst i nat. Tip os på 114.');
    expect(screen.getByTestId('phone-bubble').textContent).toBe(sms.value);
    expect(screen.getByTestId('sms-encoding').textContent).toBe('GSM-7');
    expect(screen.getByTestId('sms-parts').textContent).toBe('1 del (op til 160 pr. del)');

    // Hand edits are the officer's: a later field change leaves them alone.
    type(sms, 'Politiet: Indbrud i Hillerød Øst. Ring 114.');
    type(screen.getByTestId('field-time'), 'i går');
    expect(sms.value).toBe('Politiet: Indbrud i Hillerød Øst. Ring 114.');
    await waitFor(() => expect(a.alerts.get(100)?.smsText).toBe('Politiet: Indbrud i Hillerød Øst. Ring 114.'));
    expect(a.alerts.get(100)?.fields).toEqual({ area: 'Hillerød Øst', time: 'i går' });
  });

  it('highlights a curly quote that forces UCS-2, and Ret replaces it so the warning goes away', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: 'Politiet: Indbrud.' })] });
    const sms = await openDraft(rig({ host: a.host }), 5);
    expect(screen.queryByTestId('ucs2-warning')).toBeNull();

    type(sms, 'Politiet: Indbrud på “Slotsgade” – ring 114, det’s vigtigt.');
    const warning = screen.getByTestId('ucs2-warning');
    expect(screen.getByTestId('sms-encoding').textContent).toBe('UCS-2');
    expect(screen.getByTestId('sms-parts').textContent).toBe('1 del (op til 70 pr. del)');
    const marks = within(warning).getAllByTestId('offending-mark').map((m) => m.textContent);
    expect(marks).toEqual(['“', '”', '–', '’']);
    // The mirror is the whole text, the offending characters in their places.
    expect(screen.getByTestId('sms-mirror').textContent).toBe(sms.value);
    const entries = within(warning).getAllByTestId('offending');
    expect(entries.map((e) => e.dataset.codepoint)).toEqual(['8220', '8221', '8211', '8217']);
    expect(entries[3]!.textContent).toContain("erstat med '");

    fireEvent.click(within(entries[3]!).getByTestId('fix-char'));
    expect(sms.value).toBe('Politiet: Indbrud på “Slotsgade” – ring 114, det\'s vigtigt.');
    expect(within(screen.getByTestId('ucs2-warning')).getAllByTestId('offending')).toHaveLength(3);

    fireEvent.click(screen.getByTestId('fix-all'));
    expect(sms.value).toBe('Politiet: Indbrud på "Slotsgade" - ring 114, det\'s vigtigt.');
    expect(screen.queryByTestId('ucs2-warning')).toBeNull();
    expect(screen.getByTestId('sms-encoding').textContent).toBe('GSM-7');
  });

  it('fixes a single curly apostrophe with its Ret button and the warning disappears', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: '' })] });
    const sms = await openDraft(rig({ host: a.host }), 5);
    type(sms, 'Politiets råd: lås døren’');
    expect(screen.getByTestId('ucs2-warning')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: "Ret ’ til '" }));
    expect(sms.value).toBe("Politiets råd: lås døren'");
    expect(screen.queryByTestId('ucs2-warning')).toBeNull();
  });

  it('renders the officer’s text as text in the mirror and on the phone, never as HTML', async () => {
    const evil = '<img src=x onerror="window.__pwned=1"> “x”';
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: evil })] });
    await openDraft(rig({ host: a.host }), 5);
    expect(screen.getByTestId('sms-mirror').textContent).toBe(evil);
    expect(screen.getByTestId('phone-bubble').textContent).toBe(evil);
    expect(document.querySelector('img')).toBeNull();
  });

  it('shows when the X text is over 280 characters and will not submit it', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: 'Politiet: Indbrud.', fields: { area: 'Hillerød' }, area: squareArea })] });
    await openDraft(rig({ host: a.host }), 5);
    const social = screen.getByTestId('social-text');
    type(social, 'x'.repeat(280));
    expect(screen.getByTestId('x-count').textContent).toBe('280 af 280 tegn på X');
    expect(screen.getByTestId<HTMLButtonElement>('submit').disabled).toBe(false);

    // As X weighs text (twitter-text): an emoji weighs 2, a link 23 whatever its length.
    type(social, `${'x'.repeat(278)}🚓`);
    expect(screen.getByTestId('x-count').dataset.over).toBe('false');
    type(social, `${'x'.repeat(279)}🚓`);
    expect(screen.getByTestId('x-count').dataset.over).toBe('true');
    type(social, `${'x'.repeat(256)} https://politi.dk/${'a'.repeat(100)}`);
    expect(screen.getByTestId('x-count').textContent).toBe('280 af 280 tegn på X');

    type(social, 'x'.repeat(283));
    expect(screen.getByTestId('x-count').textContent).toBe('3 tegn for meget til X (højst 280). Forkort teksten.');
    expect(social.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('blockers').textContent).toContain('Teksten til X er for lang.');
    expect(screen.getByTestId<HTMLButtonElement>('submit').disabled).toBe(true);
  });

  it('takes the area from the map with its count and shows the preview’s recipients, cost and time', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: 'Politiet: Indbrud.' })] });
    const r = rig({ host: a.host });
    r.store.getState().addPart({ mode: 'include', source: 'polygon', shape: squareArea.parts[0]!.shape });
    a.host.handlers['target.count'] = () => ({ ok: true, value: { total: 1234, byGroup: {}, places: 1500 } });
    r.store.getState().recount();
    await openDraft(r, 5);
    await waitFor(() => expect(screen.getByTestId('map-area').textContent).toBe('Området på kortet når 1.234 abonnenter.'));
    fireEvent.click(screen.getByTestId('use-map-area'));
    expect(screen.getByTestId('area-summary').textContent).toContain('Med: Tegnet område');
    // The area on a real (Leaflet) map, its drawn part filled as included.
    expect(screen.getByTestId('area-map').querySelector('.leaflet-container')).not.toBeNull();
    await waitFor(() => expect(screen.getByTestId('area-map').querySelectorAll('path.area-part--include')).toHaveLength(1));
    await waitFor(() => expect(a.alerts.get(5)?.area).toEqual(squareArea));
    await waitFor(() => expect(screen.getByTestId('preview-recipients').textContent).toBe('1.234 modtagere'));
    expect(screen.getByTestId('preview-cost').textContent).toMatch(/308,50\s*kr\./);
    expect(screen.getByTestId('preview-time').textContent).toBe('ca. 2 min 5 s');
    expect(screen.getByTestId('sms-total').textContent).toBe('1 × 1.234 modtagere = 1.234');
    expect(screen.getByTestId('urgency-hint').textContent).toContain('17 modtagere har stille timer nu');
    fireEvent.click(screen.getByTestId('urgent'));
    expect(screen.getByTestId('urgency-hint').textContent).toBe('Sendes straks til alle – også modtagere, der har stille timer lige nu.');
  });
});

describe('an alert in Danish and English', () => {
  const englishTemplate = { ...burglaryTemplate, id: 'burglary-en', language: 'en' as const, name: 'Burglary', sms: 'Police: Burglary in {area} {time}. Call 114.' };

  it('adds the English text from the same template, shows its SMS facts, and the split of recipients by language with parts per text', async () => {
    const a = alertsHost(
      { alerts: [makeAlert({ id: 5, area: squareArea, capStatus: 'Exercise', fields: { area: 'Hillerød', time: 'i nat' }, smsText: 'Politiet: Indbrud i Hillerød i nat.' })] },
      {
        'alerts.templates': () => ({ ok: true, value: [burglaryTemplate, englishTemplate] }),
        'alerts.preview': () => ({
          ok: true,
          value: {
            recipients: 1234,
            delayedByQuietHours: 0,
            smsParts: 1,
            totalParts: 1434,
            costEstimateOre: 1434 * 25,
            sendSeconds: 10,
            byLanguage: { da: 1034, en: 200 },
            texts: [
              { language: 'da', recipients: 1034, smsParts: 1 },
              { language: 'en', recipients: 200, smsParts: 2 },
            ],
          },
        }),
      },
    );
    const r = rig({ host: a.host });
    await openDraft(r, 5);
    const other = await screen.findByTestId('sms-other');
    expect(within(other).queryByTestId('sms-text-other')).toBeNull();
    fireEvent.click(within(other).getByTestId('add-other-text'));
    const textarea = await screen.findByTestId<HTMLTextAreaElement>('sms-text-other');
    expect(textarea.value).toBe('Police: Burglary in Hillerød i nat. Call 114.');
    // Untouched, it follows the fields like the Danish text.
    type(screen.getByTestId('field-area'), 'Helsinge');
    expect((await screen.findByTestId<HTMLTextAreaElement>('sms-text-other')).value).toBe('Police: Burglary in Helsinge i nat. Call 114.');
    // Its own facts and phone, with the English exercise prefix; a curly quote forces UCS-2 there alone.
    const facts = within(screen.getByTestId('sms-other'));
    expect(facts.getByTestId('sms-encoding').textContent).toBe('GSM-7');
    type(textarea, 'Police: Burglary ’here’.');
    expect(within(screen.getByTestId('sms-other')).getByTestId('sms-encoding').textContent).toBe('UCS-2');
    expect(screen.getAllByTestId('sms-encoding')[0]!.textContent).toBe('GSM-7');
    expect(within(screen.getByTestId('sms-other')).getByTestId('phone-preview').textContent).toContain('EXERCISE: Police: Burglary');
    await waitFor(() => expect(updates(r).at(-1)?.smsTextOther).toBe('Police: Burglary ’here’.'));
    // The split by registered language and the parts per text.
    await waitFor(() => expect(screen.getByTestId('preview-languages').textContent).toBe('dansk 1.034 · engelsk 200'));
    expect(screen.getByTestId('preview-parts').textContent).toBe('dansk: 1 pr. modtager til 1.034 · engelsk: 2 pr. modtager til 200 · 1.434 i alt');
    // Removing it sends everybody the Danish text again.
    fireEvent.click(screen.getByTestId('remove-other-text'));
    expect(screen.queryByTestId('sms-text-other')).toBeNull();
    await waitFor(() => expect(updates(r).at(-1)?.smsTextOther).toBe(''));
  });

  it('shows the approver both texts as they go out', async () => {
    const a = alertsHost({
      officer: approver,
      alerts: [makeAlert({ id: 6, status: 'awaiting_approval', area: squareArea, smsText: 'Politiet: Indbrud.', smsTextOther: 'Police: Burglary.', capStatus: 'Exercise' })],
    });
    const r = rig({ host: a.host });
    await openAlerts(r);
    fireEvent.click(await screen.findByTestId('alert-item-6'));
    expect((await screen.findByTestId('review-sms')).textContent).toBe('ØVELSE: Politiet: Indbrud.');
    expect(screen.getByTestId('review-sms-other').textContent).toBe('EXERCISE: Police: Burglary.');
  });
});

describe('exercise alerts', () => {
  it('marking a draft as an exercise shows the banner, the chip in the list and ØVELSE at the start of the phone preview', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 70, smsText: 'Politiet: Indbrud i nat.' })] });
    const r = rig({ host: a.host });
    await openDraft(r, 70);
    expect(screen.queryByTestId('exercise-banner')).toBeNull();
    fireEvent.click(screen.getByTestId('exercise'));
    expect((await screen.findByTestId('exercise-banner')).textContent).toMatch(/ØVELSE/);
    expect(screen.getByTestId('phone-bubble').textContent).toBe('ØVELSE: Politiet: Indbrud i nat.');
    // The text the officer edits stays their own.
    expect(screen.getByTestId<HTMLTextAreaElement>('sms-text').value).toBe('Politiet: Indbrud i nat.');
    await waitFor(() => expect(updates(r).some((p) => p.capStatus === 'Exercise')).toBe(true));
    await waitFor(() => expect(within(screen.getByTestId('alert-item-70')).getByTestId('exercise-chip').textContent).toBe('ØVELSE'));
  });

  it('the review of an exercise shows the banner and the SMS as it goes out', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 71, status: 'awaiting_approval', capStatus: 'Exercise', smsText: 'Politiet: Test.', area: squareArea })] });
    await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('alert-item-71'));
    await screen.findByTestId('review');
    expect(screen.getByTestId('exercise-banner')).toBeTruthy();
    expect(screen.getByTestId('review-sms').textContent).toBe('ØVELSE: Politiet: Test.');
  });
});

describe('test to my own phone', () => {
  it('sends a test of the draft and says where it went; without a number it says who sets one', async () => {
    let phoneSet = true;
    const a = alertsHost({ alerts: [makeAlert({ id: 80 })] }, {
      'alerts.sendTest': () =>
        phoneSet
          ? { ok: true, value: { to: '+45 •• •• •• 56', gateway: 'Simulator', accepted: true, code: null } }
          : { ok: false, error: { code: 'not_found', message: 'no phone', details: { reason: 'no_phone' } } },
    });
    const r = rig({ host: a.host });
    await openDraft(r, 80);
    fireEvent.click(screen.getByTestId('send-test'));
    expect((await screen.findByTestId('test-sms-result')).textContent).toMatch(/sendt til din telefon \(\+45 •• •• •• 56\) via Simulator/);
    expect(r.host.callsTo('alerts.sendTest')).toEqual([{ channel: 'alerts.sendTest', payload: { id: 80 } }]);
    phoneSet = false;
    fireEvent.click(screen.getByTestId('send-test'));
    expect((await screen.findByTestId('test-sms-error')).textContent).toMatch(/tryk officer set-phone/);
  });
});

describe('scheduled and expiring alerts', () => {
  it('saves the release and stop times the officer picks, and the review shows them', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 90 }), makeAlert({ id: 91, status: 'approved', releaseAt: '2026-11-25T07:00:00.000Z', expiresAt: '2026-11-25T09:00:00.000Z' })] });
    const r = rig({ host: a.host });
    await openDraft(r, 90);
    fireEvent.change(screen.getByTestId('release-at'), { target: { value: '2026-11-25T08:00' } });
    fireEvent.change(screen.getByTestId('expires-at'), { target: { value: '2026-11-25T10:30' } });
    await waitFor(() => expect(updates(r).some((p) => p.releaseAt && p.expiresAt)).toBe(true));
    const patch = updates(r).filter((p) => p.releaseAt && p.expiresAt).at(-1)!;
    expect(new Date(patch.releaseAt!).getTime()).toBe(new Date('2026-11-25T08:00').getTime());
    expect(new Date(patch.expiresAt!).getTime()).toBe(new Date('2026-11-25T10:30').getTime());
    fireEvent.click(screen.getByTestId('alert-item-91'));
    expect((await screen.findByTestId('review-schedule')).textContent).toMatch(/sendes fra .* · stoppes /);
  });
});

describe('autosave', () => {
  it('saves once, about 400 ms after the last keystroke, with the latest text', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: '' })] });
    const r = rig({ host: a.host });
    const sms = await openDraft(r, 5);
    for (const text of ['P', 'Po', 'Pol', 'Poli', 'Polit']) {
      type(sms, text);
      await sleep(50);
    }
    expect(updates(r)).toHaveLength(0);
    expect(screen.getByTestId('save-state').textContent).toBe('Gemmer …');
    await waitFor(() => expect(updates(r)).toHaveLength(1));
    expect(updates(r)[0]?.smsText).toBe('Polit');
    await waitFor(() => expect(screen.getByTestId('save-state').dataset.state).toBe('saved'));
    expect(screen.getByTestId('save-state').textContent).toMatch(/^Gemt \d\d\.\d\d\.\d\d$/);
  });

  it('keeps one save in flight; edits meanwhile go out together, newest last, when it returns', async () => {
    const held: { release(): void }[] = [];
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: '' })] });
    const update = a.host.handlers['alerts.update']!;
    a.host.handlers['alerts.update'] = async (p) => {
      const d = deferred<void>();
      held.push({ release: () => d.resolve() });
      await d.promise;
      return update(p);
    };
    const r = rig({ host: a.host });
    const sms = await openDraft(r, 5);
    type(sms, 'one');
    await waitFor(() => expect(held).toHaveLength(1));
    type(sms, 'one two');
    await sleep(450);
    type(sms, 'one two three');
    await sleep(450);
    // Two debounces have passed, but the first save is still out: nothing else was sent.
    expect(updates(r)).toHaveLength(1);
    held[0]!.release();
    await waitFor(() => expect(held).toHaveLength(2));
    expect(updates(r).map((p) => p.smsText)).toEqual(['one', 'one two three']);
    held[1]!.release();
    await waitFor(() => expect(screen.getByTestId('save-state').dataset.state).toBe('saved'));
    expect(a.alerts.get(5)?.smsText).toBe('one two three');
    expect(a.alerts.get(5)?.revision).toBe(3);
  });

  it('keeps the text when a save fails for want of a connection and saves it when the host is back', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: '' })] });
    let down = true;
    const update = a.host.handlers['alerts.update']!;
    a.host.handlers['alerts.update'] = (p) => (down ? { ok: false, error: { code: 'unavailable', message: 'no host' } } : update(p));
    const r = rig({ host: a.host });
    const sms = await openDraft(r, 5);
    type(sms, 'Typed while the host was away');
    await waitFor(() => expect(screen.getByTestId('save-state').dataset.state).toBe('offline'));
    expect(screen.getByTestId('save-state').textContent).toBe('Ikke gemt – ingen forbindelse. Gemmes, så snart forbindelsen er tilbage.');
    // The tab's safety net has it, in case the page itself goes.
    expect(JSON.parse(sessionStorage.getItem(SAFETY_NET_KEY)!).content.smsText).toBe('Typed while the host was away');

    act(() => a.host.setState('disconnected'));
    down = false;
    act(() => a.host.setState('connected'));
    await waitFor(() => expect(a.alerts.get(5)?.smsText).toBe('Typed while the host was away'));
    await waitFor(() => expect(screen.getByTestId('save-state').dataset.state).toBe('saved'));
    expect(sessionStorage.getItem(SAFETY_NET_KEY)).toBeNull();
  });

  it('retries a failed save by itself even without a reconnect event', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: '' })] });
    let failures = 1;
    const update = a.host.handlers['alerts.update']!;
    a.host.handlers['alerts.update'] = (p) => (failures-- > 0 ? { ok: false, error: { code: 'unavailable', message: 'lost' } } : update(p));
    const r = rig({ host: a.host });
    const sms = await openDraft(r, 5);
    type(sms, 'retry me');
    await waitFor(() => expect(a.alerts.get(5)?.smsText).toBe('retry me'), { timeout: 3000 });
    expect(updates(r)).toHaveLength(2);
  });

  it('restores unsaved text from the tab’s safety net after a reload and saves it', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: 'old', revision: 4 })] });
    sessionStorage.setItem(
      SAFETY_NET_KEY,
      JSON.stringify({ officerId: operator.id, id: 5, revision: 4, content: { ...a.alerts.get(5)!, smsText: 'typed before the reload' } }),
    );
    const r = rig({ host: a.host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    await waitFor(() => expect(a.alerts.get(5)?.smsText).toBe('typed before the reload'));
    expect(sessionStorage.getItem(SAFETY_NET_KEY)).toBeNull();
  });

  it('tells the officer when someone else changed the draft, and keeps their text in sight', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: 'mine' })] });
    const r = rig({ host: a.host });
    const sms = await openDraft(r, 5);
    a.alerts.set(5, { ...a.alerts.get(5)!, smsText: 'theirs', revision: 9 });
    type(sms, 'mine, edited');
    const conflict = await screen.findByTestId('conflict');
    expect(conflict.textContent).toContain('En anden har ændret kladden');
    expect(within(conflict).getByRole<HTMLTextAreaElement>('textbox').value).toBe('mine, edited');
    expect(screen.getByTestId<HTMLTextAreaElement>('sms-text').value).toBe('theirs');
  });
});

describe('approval', () => {
  const awaiting = makeAlert({
    id: 42,
    status: 'awaiting_approval',
    smsText: 'Politiet: Indbrud i Hillerød i nat. Ring 114.',
    area: squareArea,
    revision: 3,
  });

  it('shows an approver exactly what will be sent, with count and area, and approves it', async () => {
    const a = alertsHost({ officer: approver, alerts: [awaiting] });
    const r = await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('view-approvals'));
    expect(screen.getByTestId('view-approvals').textContent).toBe('Til godkendelse (1)');
    fireEvent.click(await within(screen.getByTestId('approval-list')).findByTestId('alert-item-42'));
    const review = await screen.findByTestId('review');
    expect(within(review).getByTestId('review-sms').textContent).toBe(awaiting.smsText);
    expect(within(review).getByTestId('review-created-by').textContent).toBe('Betjent Jensen');
    await waitFor(() => expect(within(review).getByTestId('preview-recipients').textContent).toBe('1.234 modtagere'));
    expect(within(review).getByTestId('area-summary').textContent).toContain('Tegnet område');
    expect(screen.queryByTestId('own-alert')).toBeNull();

    fireEvent.change(screen.getByTestId('decision-comment'), { target: { value: 'OK' } });
    fireEvent.click(screen.getByTestId('approve'));
    await waitFor(() => expect(screen.getByTestId('alert-detail').dataset.status).toBe('approved'));
    expect(r.host.callsTo('alerts.approve')[0]?.payload).toEqual({ id: 42, revision: 3, comment: 'OK' });
    expect(screen.getByTestId('review-approved-by').textContent).toMatch(/^Vagtchef Holm/);
    expect(within(screen.getByTestId('alert-detail')).getAllByTestId('status-chip')[0]!.textContent).toBe('Godkendt');
  });

  it('rejects only with a comment', async () => {
    const a = alertsHost({ officer: approver, alerts: [awaiting] });
    const r = await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('alert-item-42'));
    fireEvent.click(await screen.findByTestId('reject'));
    expect(screen.getByTestId('comment-needed').textContent).toBe('Skriv hvorfor varslet afvises.');
    expect(r.host.callsTo('alerts.reject')).toHaveLength(0);
    fireEvent.change(screen.getByTestId('decision-comment'), { target: { value: 'Forkert område' } });
    fireEvent.click(screen.getByTestId('reject'));
    await waitFor(() => expect(screen.getByTestId('alert-detail').dataset.status).toBe('rejected'));
    expect(screen.getByTestId('review-comment').textContent).toBe('Forkert område');
  });

  it('shows the translated refusal when an approver tries to approve their own alert', async () => {
    const own = { ...awaiting, createdBy: { id: approver.id, displayName: approver.displayName } };
    const a = alertsHost({ officer: approver, alerts: [own] });
    await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('alert-item-42'));
    expect((await screen.findByTestId('own-alert')).textContent).toContain('En anden vagtchef skal godkende det.');
    fireEvent.click(screen.getByTestId('approve'));
    const error = await screen.findByTestId('action-error');
    expect(error.dataset.code).toBe('forbidden');
    expect(error.textContent).toBe('Du kan ikke godkende et varsel, du selv har skrevet eller rettet. En anden vagtchef skal godkende det.');
    expect(screen.getByTestId('alert-detail').dataset.status).toBe('awaiting_approval');
  });

  it('explains the four-eyes refusal when the approver edited the alert, though someone else created it', async () => {
    const a = alertsHost({ officer: approver, alerts: [awaiting] }, {
      'alerts.approve': () => ({ ok: false, error: { code: 'forbidden', message: 'four eyes', details: { reason: 'four_eyes' } } }),
    });
    await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('alert-item-42'));
    fireEvent.click(await screen.findByTestId('approve'));
    expect((await screen.findByTestId('action-error')).textContent).toContain('du selv har skrevet eller rettet');
  });

  it('says which part of a draft the host refused to submit', async () => {
    const a = alertsHost(
      { alerts: [makeAlert({ id: 5, smsText: 'Politiet: Indbrud.', area: squareArea, fields: { area: 'Hillerød' } })] },
      { 'alerts.submit': () => ({ ok: false, error: { code: 'bad_request', message: 'nobody', details: { recipients: 0 } } }) },
    );
    await openDraft(rig({ host: a.host }), 5);
    fireEvent.click(screen.getByTestId('submit'));
    expect((await screen.findByTestId('action-error')).textContent).toBe('Ingen aktive abonnenter i området – varslet ville ikke nå nogen.');
    expect(screen.getByTestId('alert-detail').dataset.status).toBe('draft');
  });

  it('follows status changes live from alerts.changed', async () => {
    const a = alertsHost({ officer: operator, alerts: [awaiting] });
    const r = await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('alert-item-42'));
    await screen.findByTestId('review');
    expect(screen.queryByTestId('decision')).toBeNull(); // an operator does not approve
    a.alerts.set(42, { ...awaiting, status: 'approved', revision: 4, approvedBy: { id: 8, displayName: 'Vagtchef Holm' } });
    act(() => r.host.emit('alerts.changed', { id: 42, status: 'approved', revision: 4 }));
    await waitFor(() => expect(screen.getByTestId('alert-detail').dataset.status).toBe('approved'));
    await waitFor(() => expect(screen.getByTestId('alert-item-42').dataset.status).toBe('approved'));
  });

  it('submits a draft for approval after saving it', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, smsText: 'Politiet: Indbrud.', area: squareArea, fields: { area: 'Hillerød' } })] });
    const r = rig({ host: a.host });
    const sms = await openDraft(r, 5);
    type(sms, 'Politiet: Indbrud i nat.');
    fireEvent.click(screen.getByTestId('submit'));
    await waitFor(() => expect(screen.getByTestId('alert-detail').dataset.status).toBe('awaiting_approval'));
    // Saved first, then submitted with the saved revision.
    expect(a.alerts.get(5)?.smsText).toBe('Politiet: Indbrud i nat.');
    expect(r.host.callsTo('alerts.submit')[0]?.payload).toEqual({ id: 5, revision: 2 });
  });
});

describe('after sending', () => {
  const sent = makeAlert({ id: 60, status: 'sent', area: squareArea, revision: 5 });

  it('creates the follow-ups "Opdatering" and "Sagen er lukket" with the original as parent', async () => {
    const a = alertsHost({ alerts: [sent] });
    const r = await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('alert-item-60'));
    fireEvent.click(await screen.findByTestId('follow-close'));
    await screen.findByTestId('composer');
    expect(r.host.callsTo('alerts.create')[0]?.payload).toEqual({
      category: 'burglary',
      kind: 'close',
      parentId: 60,
      language: 'da',
      templateId: 'close-da',
    });
    expect(screen.getByTestId('follow-up-of').textContent).toContain('opfølgning på varsel 60');
    expect(screen.getByTestId<HTMLTextAreaElement>('sms-text').value).toBe('Politiet: Sagen er lukket. Tak for hjælpen.');

    fireEvent.click(screen.getByTestId('alert-item-60'));
    fireEvent.click(await screen.findByTestId('follow-update'));
    await waitFor(() => expect(r.host.callsTo('alerts.create')).toHaveLength(2));
    expect(r.host.callsTo('alerts.create')[1]?.payload).toMatchObject({ kind: 'update', parentId: 60 });
  });

  it('shows the recipients frozen at release and the delivery result, not a fresh count of the area', async () => {
    const done = makeSend({
      sendId: 9,
      alertRef: 'alert:60',
      state: 'done',
      recipients: 1636,
      counts: { queued: 0, deferred: 0, submitting: 0, accepted: 0, delivered: 1600, failed: 30, expired: 6, cancelled: 0 },
      finished: 1636,
    });
    const a = alertsHost({ alerts: [sent] }, {
      'alerts.preview': () => ({
        ok: true,
        value: { recipients: 1636, delayedByQuietHours: 0, smsParts: 1, totalParts: 1636, costEstimateOre: 0, sendSeconds: 3, release: { sendId: 9, releasedAt: '2026-11-24T10:00:00.000Z' } },
      }),
      'dispatch.status': () => ({ ok: true, value: done }),
    });
    const r = await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('alert-item-60'));
    const recipients = await screen.findByTestId('preview-recipients');
    expect(recipients.dataset.frozen).toBe('true');
    expect(screen.getByTestId('preview-facts').textContent).toMatch(/Modtagere ved udsendelsen/);
    await waitFor(() => expect(screen.getByTestId('delivery-delivered').dataset.count).toBe('1600'));
    expect(screen.getByTestId('delivery-recipients').dataset.count).toBe('1636');
    expect(screen.getByTestId('delivery-expired').dataset.count).toBe('6');
    fireEvent.click(screen.getByTestId('delivery-open-monitor'));
    expect(r.store.getState().screen).toBe('monitor');
    expect(r.store.getState().monitorSelected).toBe(9);
  });

  it('exports CAP into a read-only text box', async () => {
    const a = alertsHost({ alerts: [sent] });
    await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('alert-item-60'));
    fireEvent.click(await screen.findByTestId('export-cap'));
    const xml = await screen.findByTestId<HTMLTextAreaElement>('cap-xml');
    expect(xml.readOnly).toBe(true);
    expect(xml.value).toContain('<identifier>uuid-60</identifier>');
    fireEvent.keyDown(xml, { key: 'Escape' });
    expect(screen.queryByTestId('cap-xml')).toBeNull();
  });
});

describe('the audit list', () => {
  it('shows approvers the log as text, and hides it from operators', async () => {
    const a = alertsHost({ officer: approver });
    await openAlerts(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('view-audit'));
    const rows = await screen.findAllByTestId('audit-row');
    expect(rows.map((row) => row.dataset.action)).toEqual(['alert.approve', 'alert.submit']);
    expect(rows[1]!.textContent).toContain('<b>not bold</b>');
    expect(rows[1]!.querySelector('b')).toBeNull();
    fireEvent.change(screen.getByTestId('audit-officer'), { target: { value: 'jensen' } });
    fireEvent.click(screen.getByTestId('audit-refresh'));
    await waitFor(() => expect(a.host.callsTo('audit.list').at(-1)?.payload).toEqual({ limit: 200, officer: 'jensen' }));
    cleanup();

    const b = alertsHost({ officer: operator });
    await openAlerts(rig({ host: b.host }));
    await screen.findByTestId('view-alerts');
    expect(screen.queryByTestId('view-audit')).toBeNull();
    expect(screen.queryByTestId('view-approvals')).toBeNull();
  });
});
