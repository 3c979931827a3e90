/** The subscriber channels: counts for everyone; a person's own data and imports for admins (audited). */
import { TrykError } from '../../shared/bridge/result';
import { normalizePhone } from '../../shared/phone';
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';
import { recordsFromText } from './files';

function requirePhoneInput(phone: string): string {
  const p = normalizePhone(phone);
  if (!p.ok) throw new TrykError('bad_request', 'That is not a valid phone number', { phone: p.reason });
  return p.e164;
}

export function subscriberHandlers(services: Services): DomainHandlers<'subscribers.counts' | 'subscribers.find' | 'subscribers.erase' | 'subscribers.import'> {
  return {
    'subscribers.counts': { roles: ALL_ROLES, passive: true, handle: () => services.registry.counts() },
    'subscribers.find': {
      roles: ['admin'],
      handle: async ({ phone }, caller) => {
        const e164 = requirePhoneInput(phone);
        const found = await services.registry.lookup(e164, { officer: caller.session.officer!.username, via: 'console' });
        if (!found) throw new TrykError('not_found', 'No subscriber with that phone number');
        const { id: _id, ...person } = found;
        return person;
      },
    },
    'subscribers.erase': {
      roles: ['admin'],
      handle: async ({ phone }, caller) => {
        const erased = await services.registry.erase(requirePhoneInput(phone), { officer: caller.session.officer!.username, via: 'console' });
        if (!erased) throw new TrykError('not_found', 'No subscriber with that phone number');
        return { erased: true as const };
      },
    },
    'subscribers.import': {
      roles: ['admin'],
      handle: ({ content, format, mode, fileName }, caller) =>
        services.registry.importRecords(recordsFromText(content, format, fileName), mode, {
          officer: caller.session.officer?.username ?? null,
          via: 'console',
        }),
    },
  };
}
