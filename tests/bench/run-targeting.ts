// Runs the targeting benchmark outside the CLI:
//   npx esbuild tests/bench/run-targeting.ts --bundle --platform=node --format=esm --packages=external --outfile=node_modules/.bench/targeting.mjs
//   node node_modules/.bench/targeting.mjs [sizes, comma-separated] [runs]
import { runTargetingBench } from '../../electron/bench/targeting';

const sizes = (process.argv[2] ?? '34000,1000000,6000000').split(',').map(Number);
const runs = Number(process.argv[3] ?? 50);
await runTargetingBench({ sizes, runs, print: (line) => console.log(line) });
