import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { TrykError } from '../../shared/bridge/result';

/** Reads a line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve, reject) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new TrykError('bad_request', 'cancelled'));
    });
    muted = true;
  });
}

/** TRYK_PASSPHRASE, or asked for on a terminal (twice when a new store is made). */
export async function readPassphrase(opts: { confirm: boolean; env?: NodeJS.ProcessEnv }): Promise<string> {
  const env = opts.env ?? process.env;
  if (env.TRYK_PASSPHRASE) return env.TRYK_PASSPHRASE;
  if (!process.stdin.isTTY) {
    throw new TrykError('bad_request', 'No passphrase: set TRYK_PASSPHRASE or run in a terminal to be asked for it');
  }
  const first = await askHidden('Store passphrase: ');
  if (opts.confirm && (await askHidden('Repeat the passphrase: ')) !== first) {
    throw new TrykError('bad_request', 'The two passphrases differ: nothing was changed');
  }
  return first;
}
