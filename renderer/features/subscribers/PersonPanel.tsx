import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import { isKnownKey } from '../../i18n';
import type { TranslationKey } from '../../i18n';
import type { PersonData } from './subscribersSlice';
import { categoryName, clock, dateTime, groupName } from './labels';

/** Codes that have a sentence of their own here; anything else is the bridge's general translation. */
const personErrors: Partial<Record<string, TranslationKey>> = {
  not_found: 'subscribers.person.notFound',
  bad_request: 'subscribers.person.badPhone',
  forbidden: 'subscribers.person.forbidden',
};

/** The facts shown of a person, each with its label under subscribers.person. */
type PersonFact =
  | 'phone'
  | 'name'
  | 'language'
  | 'status'
  | 'groups'
  | 'categories'
  | 'quietHours'
  | 'consentAt'
  | 'consentMethod'
  | 'consentTextVersion'
  | 'createdAt'
  | 'updatedAt'
  | 'places';

/** Offers the JSON as a file; where the browser refuses downloads the text box below still has it. */
function download(json: string) {
  if (typeof URL.createObjectURL !== 'function') return;
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'persondata.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function PersonFacts({ person }: { person: PersonData }) {
  const { t, i18n } = useTranslation();
  const exists = (key: string) => i18n.exists(key);
  const placeKind = (kind: string) => {
    const key = `subscribers.person.placeKinds.${kind}`;
    return isKnownKey(exists, key) ? t(key) : kind;
  };
  const none = t('subscribers.person.none');
  const list = (items: string[]) => (items.length ? items.join(', ') : none);
  const rows: { id: PersonFact; value: ReactNode }[] = [
    { id: 'phone', value: person.phone },
    { id: 'name', value: person.name ?? none },
    { id: 'language', value: t(`subscribers.person.languages.${person.language}`) },
    { id: 'status', value: t(`subscribers.status.${person.status}`) },
    { id: 'groups', value: list(person.groups.map((g) => groupName(t, exists, g))) },
    { id: 'categories', value: list(person.categories.map((c) => categoryName(t, exists, c))) },
    {
      id: 'quietHours',
      value:
        person.quietStart !== null && person.quietEnd !== null
          ? t('subscribers.person.quietRange', { start: clock(person.quietStart), end: clock(person.quietEnd) })
          : none,
    },
    { id: 'consentAt', value: person.consentAt ? dateTime(person.consentAt, i18n.language) : none },
    { id: 'consentMethod', value: person.consentMethod ?? none },
    { id: 'consentTextVersion', value: person.consentTextVersion ?? none },
    { id: 'createdAt', value: dateTime(person.createdAt, i18n.language) },
    { id: 'updatedAt', value: dateTime(person.updatedAt, i18n.language) },
    {
      id: 'places',
      value:
        person.places.length === 0 ? (
          none
        ) : (
          <ul className="subscribers__places">
            {person.places.map((p, i) => (
              <li key={i}>
                {t('subscribers.person.place', {
                  kind: placeKind(p.kind),
                  address: p.address ?? t('subscribers.person.noAddress'),
                  lat: p.lat,
                  lon: p.lon,
                })}
              </li>
            ))}
          </ul>
        ),
    },
  ];
  return (
    <dl className="facts" data-testid="person-data">
      {rows.map((row) => (
        <div key={row.id} className="facts__row">
          <dt>{t(`subscribers.person.${row.id}`)}</dt>
          <dd data-testid={`person-${row.id}`}>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A person's own data, by phone number: show, export as JSON, erase after an explicit confirmation. */
export function PersonPanel() {
  const { t } = useTranslation();
  const person = useAppStore((s) => s.subscriberPerson);
  const findPerson = useAppStore((s) => s.findPerson);
  const erasePerson = useAppStore((s) => s.erasePerson);
  const clearPerson = useAppStore((s) => s.clearPerson);
  const [phone, setPhone] = useState('');
  const [exported, setExported] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const keepButton = useRef<HTMLButtonElement>(null);
  const phoneInput = useRef<HTMLInputElement>(null);
  const phoneId = useId();
  const exportId = useId();
  const warningId = useId();
  const value = person.value;

  // A new person (or none) starts without an export on screen and without a pending confirmation.
  useEffect(() => {
    setExported(null);
    setConfirming(false);
  }, [value]);

  useEffect(() => {
    if (confirming) keepButton.current?.focus();
  }, [confirming]);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void findPerson(phone);
  }

  function onExport() {
    if (!value) return;
    const json = JSON.stringify(value, null, 2);
    setExported(json);
    download(json);
  }

  async function onConfirmErase() {
    if (await erasePerson()) {
      setPhone('');
      phoneInput.current?.focus();
    }
  }

  const errorKey = person.error ? personErrors[person.error.code] : undefined;
  return (
    <section className="panel subscribers__person" aria-labelledby="subscribers-person-title" data-testid="person" data-state={person.status}>
      <h2 id="subscribers-person-title" className="panel__title">
        {t('subscribers.person.title')}
      </h2>
      <p className="hint">{t('subscribers.person.lead')}</p>
      <form className="subscribers__find" onSubmit={onSubmit}>
        <label htmlFor={phoneId}>{t('subscribers.person.phoneLabel')}</label>
        <input
          id={phoneId}
          ref={phoneInput}
          type="tel"
          autoComplete="off"
          maxLength={40}
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          data-testid="person-phone"
        />
        <button type="submit" className="button" disabled={!phone.trim() || person.status === 'loading'} data-testid="person-find">
          {t('subscribers.person.find')}
        </button>
      </form>

      <div aria-live="polite">
        {person.status === 'loading' && <p className="muted">{t('subscribers.person.finding')}</p>}
        {person.erased && (
          <p role="status" data-testid="person-erased">
            {t('subscribers.person.erased', { phone: person.erased })}
          </p>
        )}
      </div>
      {person.status === 'failed' && person.error && (
        <div data-testid="person-error" data-code={person.error.code}>
          {errorKey ? (
            <p className="error-note" role="alert" title={person.error.message}>
              {t(errorKey, { phone: person.phone })}
            </p>
          ) : (
            <ErrorNote error={person.error} />
          )}
        </div>
      )}

      {value && (
        <div className="subscribers__data">
          <h3>{t('subscribers.person.dataTitle', { phone: value.phone })}</h3>
          <PersonFacts person={value} />
          <div className="subscribers__actions">
            <button type="button" className="button" onClick={onExport} data-testid="person-export">
              {t('subscribers.person.export')}
            </button>
            <button
              type="button"
              className="button button--danger"
              disabled={confirming || person.erasing}
              onClick={() => setConfirming(true)}
              data-testid="person-erase"
            >
              {t('subscribers.person.erase')}
            </button>
            <button type="button" className="link-button" onClick={clearPerson}>
              {t('subscribers.person.close')}
            </button>
          </div>
          {exported !== null && (
            <div className="subscribers__export">
              <label htmlFor={exportId}>{t('subscribers.person.exportLabel')}</label>
              <textarea id={exportId} readOnly rows={12} value={exported} data-testid="person-export-text" />
              <p className="hint">{t('subscribers.person.exportHint')}</p>
            </div>
          )}
          {confirming && (
            <div className="subscribers__confirm" role="alertdialog" aria-labelledby={warningId} data-testid="person-erase-dialog">
              <p id={warningId} className="subscribers__warning">
                {t('subscribers.person.eraseWarning', { phone: value.phone })}
              </p>
              {person.eraseError && (
                <div>
                  <p>{t('subscribers.person.eraseFailed')}</p>
                  <ErrorNote error={person.eraseError} />
                </div>
              )}
              <div className="subscribers__actions">
                <button
                  type="button"
                  className="button button--danger"
                  disabled={person.erasing}
                  onClick={() => void onConfirmErase()}
                  data-testid="person-erase-confirm"
                >
                  {person.erasing ? t('subscribers.person.erasing') : t('subscribers.person.eraseConfirm')}
                </button>
                <button type="button" className="button" ref={keepButton} disabled={person.erasing} onClick={() => setConfirming(false)}>
                  {t('subscribers.person.eraseCancel')}
                </button>
              </div>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
