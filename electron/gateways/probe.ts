import { TrykError } from '../../shared/bridge/result';
import type { GatewayConfigService } from '../config/gateways';
import { createGateway, describeGateway } from './registry';

/**
 * Binds to a configured gateway, asks it whether it could send (without sending), and lets
 * go again: what `tryk gateway test` and the settings screen's test button do.
 */
export async function testGateway(gateways: GatewayConfigService, name: string, timeoutS = 15) {
  const config = (await gateways.list()).find((g) => g.name === name);
  if (!config) throw new TrykError('not_found', `No gateway called ${name}`);
  const described = describeGateway(config.url);
  const gateway = createGateway(config.url);
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    try {
      await Promise.race([
        gateway.connect(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new TrykError('unavailable', `${name} did not answer within ${timeoutS} s`)), timeoutS * 1000);
        }),
      ]);
    } catch (e) {
      // Connector errors carry a code and a message without credentials.
      if (e instanceof TrykError) throw e;
      throw new TrykError('unavailable', `${name} refused or could not be reached: ${(e as { code?: string }).code ?? 'error'} (${(e as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
    try {
      // Connected is not yet able to send: a Kannel with no sender refuses every message.
      await gateway.check?.();
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'error';
      throw new TrykError('unavailable', `${name} is connected but cannot send: ${(e as Error).message}`, { gateway: code });
    }
  } finally {
    await gateway.close().catch(() => undefined);
  }
  return { name, connected: true as const, ms: Date.now() - started, tps: described.tps, window: described.window };
}
