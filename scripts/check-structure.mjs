// The structure checks of the test command (run with `node scripts/check-structure.mjs`):
// 1. no import cycle between the modules of app/src/server (each file a module, `mod.rs` its
//    folder's module), counting `use` trees and inline `crate::server::…` / `super::…` paths;
// 2. no source file over 600 lines outside tests and generated files;
// 3. every resource of the pages made by `components::resource::resource` (its data travels in
//    the page as `PageData`, postcard in base64, the form the server functions answer in);
// 4. every form posting to a server function is `components::form::ActionForm` (it sends the
//    fields as they are), not Leptos's, which `leptos::prelude::*` would otherwise bring.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const MAX_LINES = 600;

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.rs')) out.push(p);
  }
  return out;
}

// ---------- file sizes ----------
const problems = [];
for (const dir of ['app/src', 'server/src', 'frontend/src']) {
  for (const f of files(join(ROOT, dir))) {
    const n = readFileSync(f, 'utf8').split('\n').length - 1;
    if (n > MAX_LINES) problems.push(`${relative(ROOT, f)} has ${n} lines (at most ${MAX_LINES})`);
  }
}

// ---------- import cycles in app/src/server ----------
const SERVER = join(ROOT, 'app/src/server');
const modOf = (f) => {
  const parts = relative(SERVER, f).split(sep);
  const last = parts.pop().replace(/\.rs$/, '');
  if (last !== 'mod') parts.push(last);
  return parts.join('::');
};
const modules = new Map(files(SERVER).map((f) => [modOf(f), f]));
modules.delete(''); // server/mod.rs declares the areas; it is not one of them.

/** The module a path names: its longest prefix that is a module. */
function resolve(segs) {
  for (let n = segs.length; n > 0; n--) {
    const m = segs.slice(0, n).join('::');
    if (modules.has(m)) return m;
  }
  return null;
}

/** Expands a `use` tree ("a::{b, c::{d}}") into its paths. */
function expand(tree) {
  tree = tree.replace(/\s+/g, '');
  const open = tree.indexOf('{');
  if (open < 0) return [tree.replace(/::self$/, '').replace(/as\w+$/, '')];
  const prefix = tree.slice(0, open);
  const inner = tree.slice(open + 1, tree.lastIndexOf('}'));
  const parts = [];
  let depth = 0, start = 0;
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === '{') depth++;
    if (c === '}') depth--;
    if ((c === ',' && depth === 0) || i === inner.length) {
      const part = inner.slice(start, i);
      if (part) parts.push(...expand(prefix + part));
      start = i + 1;
    }
  }
  return parts;
}

/** Absolute module segments (below `server`) for a path written in module `from`. */
function absolute(path, from) {
  let segs = path.split('::').filter(Boolean);
  if (segs[0] === 'crate') return segs[1] === 'server' ? segs.slice(2) : null;
  let base = from.split('::');
  if (segs[0] === 'self') return [...base, ...segs.slice(1)];
  if (segs[0] !== 'super') return null; // an external crate, or a name in scope
  while (segs[0] === 'super') {
    segs = segs.slice(1);
    base = base.slice(0, -1);
  }
  return [...base, ...segs];
}

const edges = new Map();
for (const [mod, file] of modules) {
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
  const paths = [];
  for (const m of text.matchAll(/\buse\s+([^;]+);/g)) paths.push(...expand(m[1]));
  for (const m of text.matchAll(/\b((?:crate|super)(?:::[A-Za-z_][A-Za-z0-9_]*)+)/g)) paths.push(m[1]);
  const to = new Set();
  for (const p of paths) {
    const abs = absolute(p, mod);
    if (!abs) continue;
    const target = resolve(abs);
    if (target && target !== mod) to.add(target);
  }
  edges.set(mod, to);
}

// Tarjan's strongly connected components: any with two or more modules is a cycle.
let index = 0;
const idx = new Map(), low = new Map(), stack = [], on = new Set(), cycles = [];
function visit(v) {
  idx.set(v, index); low.set(v, index); index++;
  stack.push(v); on.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1) cycles.push(scc.sort());
  }
}
for (const v of modules.keys()) if (!idx.has(v)) visit(v);
for (const c of cycles) {
  const path = c.map((m) => `${m} -> {${[...edges.get(m)].filter((t) => c.includes(t)).join(', ')}}`);
  problems.push(`import cycle between app/src/server modules:\n    ${path.join('\n    ')}`);
}

// ---------- resources through components::resource ----------
const RESOURCE = join(ROOT, 'app/src/components/resource.rs');
for (const f of files(join(ROOT, 'app/src'))) {
  if (f === RESOURCE) continue;
  const text = readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '');
  for (const m of text.matchAll(/\b(Resource|OnceResource|ArcResource)::new(_blocking|_with_options)?\s*\(/g)) {
    const line = text.slice(0, m.index).split('\n').length;
    problems.push(`${relative(ROOT, f)}:${line}: ${m[0]}…) — make the page's resources with components::resource::resource`);
  }
}

// ---------- forms through components::form::ActionForm ----------
const FORM = join(ROOT, 'app/src/components/form.rs');
for (const f of files(join(ROOT, 'app/src'))) {
  if (f === FORM) continue;
  const text = readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '');
  const uses = text.search(/<ActionForm\b/);
  if (uses < 0) continue;
  if (!/use crate::components::form::(ActionForm\b|\{[^}]*\bActionForm\b[^}]*\})/.test(text)) {
    const line = text.slice(0, uses).split('\n').length;
    problems.push(`${relative(ROOT, f)}:${line}: <ActionForm> — import crate::components::form::ActionForm (Leptos's reads every field into the arguments in the browser)`);
  }
}

if (problems.length) {
  console.error(problems.map((p) => `  ${p}`).join('\n'));
  process.exit(1);
}
console.log(`structure ok: ${modules.size} server modules without import cycles, no file over ${MAX_LINES} lines, every resource a PageResource, every form our ActionForm`);
