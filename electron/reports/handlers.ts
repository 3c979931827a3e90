/** The evaluation channels: figures and PDFs for every officer; outcomes recorded by operators and shift leaders. */
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';
import { alertReport } from './alert';
import { reportDeps } from './deps';
import { evaluation, figuresForAlert } from './figures';
import { recordOutcome } from './outcomes';

type ReportChannel = 'reports.evaluation' | 'reports.setOutcome' | 'reports.alertPdf' | 'reports.periodPdf';

export function reportHandlers(services: Services): DomainHandlers<ReportChannel> {
  const deps = () => reportDeps({ db: services.store.db, settings: services.settings, targeting: () => services.targeting(), now: () => services.now() });
  return {
    'reports.evaluation': { roles: ALL_ROLES, handle: async (query) => evaluation(await deps(), query) },
    'reports.setOutcome': {
      roles: ['operator', 'approver'],
      handle: async ({ alertId, outcome, tipsHelped, note }, caller) => {
        await recordOutcome(services.store.db, { alertId, outcome, tipsHelped, note }, caller.session.officer!, services.now(), 'console');
        return figuresForAlert(await deps(), alertId);
      },
    },
    'reports.alertPdf': {
      roles: ALL_ROLES,
      handle: async ({ id, lang }) => {
        const pdf = await services.pdf.alertPdf(await alertReport(await deps(), id), lang);
        return { fileName: `efterrapport-varsel-${id}.pdf`, base64: pdf.toString('base64') };
      },
    },
    'reports.periodPdf': {
      roles: ALL_ROLES,
      handle: async ({ lang, ...query }) => {
        const pdf = await services.pdf.periodPdf(await evaluation(await deps(), query), lang);
        return { fileName: `evaluering-${query.from}-${query.to}.pdf`, base64: pdf.toString('base64') };
      },
    },
  };
}
