/**
 * The survey channels: reading for every officer; drafting, sending and closing for operators
 * and shift leaders; approving for a shift leader who did not draft it (the service checks).
 */
import { TrykError } from '../../shared/bridge/result';
import { ALL_ROLES } from '../bridge/dispatcher';
import type { Caller, DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';
import { panelSize } from './panel';
import type { SurveyActor, SurveyService } from './service';

type SurveyChannel = 'surveys.list' | 'surveys.create' | 'surveys.approve' | 'surveys.send' | 'surveys.close' | 'surveys.results';

function actorOf(caller: Caller): SurveyActor {
  const o = caller.session.officer;
  if (!o) throw new TrykError('unauthorized', 'Sign in first');
  return { id: o.id, username: o.username, roles: o.roles };
}

export function surveyHandlers(services: Services, surveys: () => { service: SurveyService; changed(): void; pump(): Promise<number[]> }): DomainHandlers<SurveyChannel> {
  const after = <T>(r: T): T => {
    surveys().changed();
    return r;
  };
  return {
    'surveys.list': { roles: ALL_ROLES, passive: true, handle: async () => ({ surveys: await surveys().service.list(), panel: await panelSize(services.store.db) }) },
    'surveys.create': { roles: ['operator', 'approver'], handle: async (draft, caller) => after(await surveys().service.create(actorOf(caller), draft)) },
    'surveys.approve': { roles: ['approver'], handle: async ({ id }, caller) => after(await surveys().service.approve(actorOf(caller), id)) },
    'surveys.send': {
      roles: ['operator', 'approver'],
      handle: async ({ id }, caller) => {
        await surveys().service.send(actorOf(caller), id, () => services.targeting());
        await surveys().pump();
        return after(await surveys().service.get(id));
      },
    },
    'surveys.close': { roles: ['operator', 'approver'], handle: async ({ id }, caller) => after(await surveys().service.close(actorOf(caller), id)) },
    'surveys.results': { roles: ALL_ROLES, passive: true, handle: ({ id }) => surveys().service.results(id) },
  };
}
