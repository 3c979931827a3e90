import type { BridgeClient } from '../../lib/bridge';
import type { BridgeError } from '../../../shared/bridge/result';

/**
 * The bridge as every slice sees it: any call the host refuses as `unauthorized` (the console
 * locked itself, or the host forgot the session) is reported, so the sign-in screen appears
 * whichever screen made the call. A wrong passphrase at sign-in is the sign-in form's business.
 */
export function guardSession(bridge: BridgeClient, onRefused: (error: BridgeError) => void): BridgeClient {
  return {
    ...bridge,
    host: bridge.host,
    async invoke(channel, request, options) {
      const result = await bridge.invoke(channel, request, options);
      if (!result.ok && result.error.code === 'unauthorized' && channel !== 'session.signIn') onRefused(result.error);
      return result;
    },
  };
}
