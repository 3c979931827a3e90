// No import cycles between our own modules: a file that, through its relative imports
// (type-only ones included: they are knots in the design even where they vanish at run
// time), reaches itself again fails `npm run lint`. Hand-written rather than
// eslint-plugin-import-x's no-cycle because ours needs no resolver configuration (relative
// imports of .ts/.tsx files only) and reads each file once per lint run: the whole project
// is checked in well under a second.
//
// One exception, by option: type-only imports inside `renderer/` do not count, because
// zustand's slices pattern (renderer/store.ts) has each slice name the whole store's type.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const IMPORT = /(?:^|[\s;])(?:import|export)\s(type\s)?[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^\s*import\s*['"](\.[^'"]+)['"]/gm;
const EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx'];

/** file → { mtimeMs, imports } */
const cache = new Map();

function resolveSpec(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec);
  if (/\.(ts|tsx)$/.test(base) && existsSync(base)) return base;
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    if (existsSync(candidate)) return candidate;
  }
  return null; // .js/.json/.css and packages are not ours to follow
}

function specsIn(text) {
  const specs = [];
  for (const m of text.matchAll(IMPORT)) specs.push({ spec: m[2] ?? m[3] ?? m[4], typeOnly: Boolean(m[1]) });
  return specs;
}

function importsOf(file) {
  let mtimeMs;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return [];
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.imports;
  const imports = specsIn(readFileSync(file, 'utf8'))
    .map(({ spec, typeOnly }) => ({ file: resolveSpec(file, spec), typeOnly }))
    .filter((i) => i.file);
  cache.set(file, { mtimeMs, imports });
  return imports;
}

/** A shortest path of imports from `start` back to `target`, or null. */
function pathBack(start, target, typeCounts) {
  const seen = new Set([start]);
  const queue = [[start]];
  while (queue.length) {
    const trail = queue.shift();
    const from = trail[trail.length - 1];
    for (const { file: next, typeOnly } of importsOf(from)) {
      if (typeOnly && !typeCounts(from)) continue;
      if (next === target) return trail;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push([...trail, next]);
    }
  }
  return null;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'No import cycles between our modules' },
    schema: [{ type: 'object', properties: { typeOnlyAllowedIn: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }],
  },
  create(context) {
    const file = path.resolve(context.filename);
    const rel = (f) => path.relative(root, f);
    const allowed = context.options[0]?.typeOnlyAllowedIn ?? [];
    const typeCounts = (f) => !allowed.some((prefix) => rel(f).startsWith(prefix));
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      if ((node.importKind === 'type' || node.exportKind === 'type') && !typeCounts(file)) return;
      const target = resolveSpec(file, source.value);
      if (!target || target === file) return;
      const back = pathBack(target, file, typeCounts);
      if (back) context.report({ node, message: `import cycle: ${[file, ...back, file].map(rel).join(' → ')}` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

export default { rules: { 'no-cycle': rule } };
