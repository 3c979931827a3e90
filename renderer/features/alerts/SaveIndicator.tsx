import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store';
import { clock } from './format';

/** Whether the store has what the officer sees: "Gemt 10:42:13", "Gemmer …", or why not. */
export function SaveIndicator() {
  const { t, i18n } = useTranslation();
  const editor = useAppStore((s) => s.editor);
  const connected = useAppStore((s) => s.connection === 'connected');
  if (!editor) return null;
  // Without the host nothing can be saved, whatever the last attempt said.
  const state = editor.dirty && !connected ? 'offline' : editor.save;
  let text: string;
  if (state === 'saved') text = editor.savedAt ? t('alerts.save.savedAt', { time: clock(editor.savedAt, i18n.language) }) : t('alerts.save.saved');
  else if (state === 'failed') text = t('alerts.save.failed', { reason: editor.error ? t(`errors.${editor.error.code}`) : '' });
  else text = t(`alerts.save.${state}`);
  return (
    <p className={`save save--${state}`} data-testid="save-state" data-state={state} role="status" title={editor.error?.message}>
      {text}
    </p>
  );
}
