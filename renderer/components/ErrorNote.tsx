import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeError } from '../../shared/bridge/result';
import { errorKey } from '../i18n';

/** A bridge error as the officer reads it: the translated code; the developer message goes to the title. */
export function ErrorNote({ error, children }: { error: BridgeError; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <p className="error-note" role="alert" title={error.message} data-testid="error-note" data-code={error.code}>
      {t(errorKey(error))}
      {children}
    </p>
  );
}
