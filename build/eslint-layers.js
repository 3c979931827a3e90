// The layering of ARCHITECTURE.md as a lint rule: an import that crosses a layer the
// wrong way fails `npm run lint`, so the layering is checked, not hoped for.
import path from 'node:path';
import { builtinModules } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** Pure packages `shared/` may use: no DOM, no Node, no Electron inside them. */
// twitter-text: plain JavaScript (X's own weighting), no Node or DOM use (checked when it was added).
const sharedPackages = ['zod', 'libphonenumber-js', 'twitter-text'];
/** The only files that may import the `electron` module. */
const electronEntries = new Set(['electron/main.ts', 'electron/preload.ts']);

function layerOf(relFile) {
  const top = relFile.split(path.sep)[0];
  return ['shared', 'electron', 'renderer'].includes(top) ? top : null;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function problem(relFile, spec) {
  const layer = layerOf(relFile);
  if (!layer) return null;
  const isRelative = spec.startsWith('.') || spec.startsWith('/');
  if (isRelative) {
    const target = path.relative(root, path.resolve(root, path.dirname(relFile), spec));
    const targetLayer = target.split(path.sep)[0];
    if (layer === 'shared' && targetLayer !== 'shared') return `shared/ imports nothing outside itself (got ${target})`;
    if (layer === 'renderer' && targetLayer === 'electron') return 'renderer/ never imports electron/';
    if (layer === 'electron' && targetLayer === 'renderer') return 'electron/ never imports renderer/';
    return null;
  }
  if (spec === 'electron' || spec.startsWith('electron/')) {
    if (layer === 'electron' && electronEntries.has(relFile)) return null;
    return 'only the Electron entry files (electron/main.ts, electron/preload.ts) import electron';
  }
  if (nodeBuiltins.has(spec) || nodeBuiltins.has(spec.split('/')[0])) {
    if (layer === 'shared') return `shared/ has no Node APIs (got ${spec})`;
    if (layer === 'renderer') return `renderer/ has no Node APIs (got ${spec})`;
    return null;
  }
  if (layer === 'shared' && !sharedPackages.includes(packageName(spec))) {
    return `shared/ may only use the pure packages ${sharedPackages.join(', ')} (got ${spec})`;
  }
  return null;
}

const rule = {
  meta: { type: 'problem', docs: { description: 'Keep shared/, electron/ and renderer/ apart' }, schema: [] },
  create(context) {
    const relFile = path.relative(root, context.filename);
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string') return;
      const message = problem(relFile, source.value);
      if (message) context.report({ node, message });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0]);
      },
    };
  },
};

export default { rules: { layers: rule } };
