/**
 * The area as GeoJSON, to hand to `tryk target count --area` or another GIS tool. The text is
 * always there to copy; the download link is a convenience the desktop app may block.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

type CopyState = 'idle' | 'copied' | 'failed';

/** A modal dialog keeps Tab inside it: past the last control, back to the first, and the other way. */
function keepFocusInside(dialog: HTMLElement, e: { shiftKey: boolean; preventDefault(): void }) {
  const focusable = [...dialog.querySelectorAll<HTMLElement>('button, [href], textarea, input, select')].filter(
    (el) => !el.hasAttribute('disabled'),
  );
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  const active = document.activeElement;
  if (e.shiftKey && (active === first || active === dialog)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus();
  }
}

export function ExportDialog() {
  const { t } = useTranslation();
  const exported = useAppStore((s) => s.areaExport);
  const close = useAppStore((s) => s.closeExport);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  const [href, setHref] = useState<string | null>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  const open = exported.status !== 'closed';

  // Focus goes into the dialog when it opens and back to the button that opened it when it closes.
  useEffect(() => {
    if (!open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialogRef.current?.focus();
    return () => opener?.focus();
  }, [open]);

  useEffect(() => {
    if (exported.status !== 'ready') return;
    textRef.current?.focus();
    textRef.current?.select();
    const url = URL.createObjectURL(new Blob([exported.text], { type: 'application/geo+json' }));
    setHref(url);
    setCopy('idle');
    return () => {
      URL.revokeObjectURL(url);
      setHref(null);
    };
  }, [exported.status, exported.text]);

  if (!open) return null;

  async function copyText() {
    try {
      await navigator.clipboard.writeText(exported.text);
      setCopy('copied');
    } catch {
      // The clipboard API needs permission the desktop app may not give; selecting still helps.
      textRef.current?.select();
      setCopy(document.execCommand?.('copy') ? 'copied' : 'failed');
    }
  }

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        ref={dialogRef}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="export-title"
        tabIndex={-1}
        data-testid="area-export-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            close();
          } else if (e.key === 'Tab') {
            keepFocusInside(e.currentTarget, e);
          }
        }}
      >
        <h2 id="export-title" className="dialog__title">
          {t('target.exportDialog.title')}
        </h2>
        {exported.status === 'loading' && <p className="hint">{t('target.exportDialog.loading')}</p>}
        {exported.status === 'failed' && exported.error && <ErrorNote error={exported.error} />}
        {exported.status === 'ready' && (
          <>
            <p className="hint">{t('target.exportDialog.hint')}</p>
            <label className="visually-hidden" htmlFor="area-geojson">
              {t('target.exportDialog.textLabel')}
            </label>
            <textarea
              id="area-geojson"
              ref={textRef}
              className="dialog__text"
              readOnly
              spellCheck={false}
              value={exported.text}
              rows={14}
              data-testid="area-geojson"
            />
            <div className="toolbar toolbar--actions">
              <button type="button" className="button" onClick={() => void copyText()} data-testid="area-copy">
                {t('target.exportDialog.copy')}
              </button>
              {href && (
                <a className="button" href={href} download="maalomraade.geojson" data-testid="area-download">
                  {t('target.exportDialog.download')}
                </a>
              )}
            </div>
            <p className="hint" aria-live="polite">
              {copy === 'copied' && t('target.exportDialog.copied')}
              {copy === 'failed' && t('target.exportDialog.copyFailed')}
              {copy === 'idle' && t('target.exportDialog.downloadHint')}
            </p>
          </>
        )}
        <div className="dialog__footer">
          <button type="button" className="button" onClick={close} data-testid="area-export-close">
            {t('target.exportDialog.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
