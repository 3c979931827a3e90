import { run } from './main';

run(process.argv.slice(2)).then(
  ({ code }) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`tryk: ${(e as Error)?.message ?? e}`);
    process.exitCode = 1;
  },
);
