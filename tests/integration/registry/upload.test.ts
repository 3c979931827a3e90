/**
 * A subscriber file uploaded over the bridge in pieces (`subscribers.importPart`, then
 * `subscribers.import`): one upload per signed-in connection, usable by it alone; a piece the
 * worker refuses ends the upload; a refused all-or-nothing keeps it for "import the valid
 * rows"; an imported one is gone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../electron/bridge/dispatcher';
import { subscriberHandlers } from '../../../electron/registry/handlers';
import { createServices } from '../../../electron/services';
import type { Services } from '../../../electron/services';
import { testStore } from '../../support/store';

const officer = { id: 3, username: 'admin', displayName: 'Admin', roles: ['admin' as const] };
const caller = (): Caller => ({ host: 'headless', session: { officer, lastActivity: Date.now() } });

describe('a subscriber upload over the bridge', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let services: Services;
  let h: ReturnType<typeof subscriberHandlers>;
  beforeEach(async () => {
    store = await testStore();
    services = createServices({ store, host: 'headless', version: 'test', tileUrl: null });
    h = subscriberHandlers(services);
  });
  afterEach(async () => {
    await services.parse.close();
    await store.remove();
  });

  const part = (c: Caller, uploadId: number | null, content: string) =>
    h['subscribers.importPart'].handle({ uploadId, format: 'csv', fileName: 'f.csv', district: null, content }, c);
  const finish = (c: Caller, uploadId: number, mode: 'all_or_nothing' | 'accepted_only') => h['subscribers.import'].handle({ uploadId, mode }, c);

  it('joins the pieces, keeps a refused check for the valid rows, and is gone once imported', async () => {
    const me = caller();
    const first = await part(me, null, 'phone,name\n2012');
    const { uploadId } = first;
    expect(await part(me, uploadId, '3456,Anna\nnot a phone,Bo\n21234567,Carl\n')).toEqual({ uploadId, chars: 54 });
    expect(await finish(me, uploadId, 'all_or_nothing')).toMatchObject({ imported: false, accepted: 2, refused: 1, rejected: [{ row: 3, code: 'phone_invalid' }] });
    expect((await services.registry.counts()).total).toBe(0);
    expect(await finish(me, uploadId, 'accepted_only')).toMatchObject({ imported: true, created: 2 });
    expect((await services.registry.counts()).total).toBe(2);
    await expect(finish(me, uploadId, 'accepted_only')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('belongs to the connection that started it; a new upload replaces the old one', async () => {
    const me = caller();
    const { uploadId } = await part(me, null, 'phone\n20123456\n');
    await expect(part(caller(), uploadId, '21234567\n')).rejects.toMatchObject({ code: 'not_found' });
    await expect(finish(caller(), uploadId, 'all_or_nothing')).rejects.toMatchObject({ code: 'not_found' });
    const second = await part(me, null, 'phone\n21234567\n');
    await expect(finish(me, uploadId, 'all_or_nothing')).rejects.toMatchObject({ code: 'not_found' });
    expect(await finish(me, second.uploadId, 'all_or_nothing')).toMatchObject({ imported: true, created: 1 });
  });

  it('ends the upload at the first piece the worker refuses', async () => {
    const me = caller();
    const { uploadId } = await part(me, null, 'phone,name\n20123456,');
    await expect(part(me, uploadId, 'x'.repeat(70_000))).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/line 2 is longer than 65536/) });
    await expect(part(me, uploadId, '\n')).rejects.toMatchObject({ code: 'not_found' });
    await expect(finish(me, uploadId, 'all_or_nothing')).rejects.toMatchObject({ code: 'not_found' });
  });
});
