// Trims wasm-bindgen's glue to what the optimised wasm still uses:
// - import functions the wasm no longer imports (wasm-opt drops imports
//   of code it removed, but the glue still defines them);
// - exported classes whose wasm exports were removed (wasm-streams, pulled
//   in by Leptos' server functions, exports its stream adapters; build.sh
//   removes those exports so their code goes too).
// Then gives the imports short names in the wasm and the glue alike
// (`__wbg_warn_228ff2257384d295` → `Bq`: the hashes do not compress), and
// checks that every `wasm.NAME` the glue reads is exported and every import
// the wasm needs is defined, so a mistake fails the build instead of the
// shopper's page. Export names stay (tests and benchmarks read `memory`).
//   node scripts/prune-glue.mjs <glue.js> <final.wasm, rewritten> <out.js>
import { readFileSync, writeFileSync } from 'node:fs';

const [gluePath, wasmPath, out] = process.argv.slice(2);
const GLUE_MODULE = './tailor_bg.js';
const SHORT_MODULE = 't';

// --- The wasm's import section, with short names (other sections as they are).
function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}
function leb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}
const utf8 = new TextDecoder();
const encode = (text) => [...leb(Buffer.byteLength(text)), ...Buffer.from(text)];
function shortName(i) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let name = '';
  do {
    name += letters[i % 52];
    i = Math.floor(i / 52);
  } while (i > 0);
  return name;
}
function minifyImports(bytes) {
  const renamed = new Map();
  const parts = [bytes.subarray(0, 8)];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, bodyAt] = readLeb(bytes, at + 1);
    const end = bodyAt + size;
    if (id !== 2) {
      parts.push(bytes.subarray(at, end));
      at = end;
      continue;
    }
    let [count, p] = readLeb(bytes, bodyAt);
    const body = [...leb(count)];
    for (let i = 0; i < count; i++) {
      let length;
      [length, p] = readLeb(bytes, p);
      const module = utf8.decode(bytes.subarray(p, p + length));
      p += length;
      [length, p] = readLeb(bytes, p);
      const name = utf8.decode(bytes.subarray(p, p + length));
      p += length;
      const descAt = p;
      const kind = bytes[p++];
      const limits = () => {
        const flags = bytes[p++];
        [, p] = readLeb(bytes, p);
        if (flags & 1) [, p] = readLeb(bytes, p);
      };
      if (kind === 0) [, p] = readLeb(bytes, p);
      else if (kind === 1) {
        p += 1;
        limits();
      } else if (kind === 2) limits();
      else if (kind === 3) p += 2;
      else throw new Error(`${wasmPath}: import ${module}.${name} of unknown kind ${kind}`);
      if (module === GLUE_MODULE) {
        if (!renamed.has(name)) renamed.set(name, shortName(renamed.size));
        body.push(...encode(SHORT_MODULE), ...encode(renamed.get(name)));
      } else {
        body.push(...encode(module), ...encode(name));
      }
      body.push(...bytes.subarray(descAt, p));
    }
    if (p !== end) throw new Error(`${wasmPath}: import section not read to its end`);
    parts.push(Uint8Array.of(2, ...leb(body.length), ...body));
    at = end;
  }
  return [Buffer.concat(parts), renamed];
}

const optimised = readFileSync(wasmPath);
const imported = new Set(
  WebAssembly.Module.imports(new WebAssembly.Module(optimised))
    .filter((i) => i.module === GLUE_MODULE)
    .map((i) => i.name),
);
const [minified, renamed] = minifyImports(optimised);
const module = new WebAssembly.Module(minified);
const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
let lines = readFileSync(gluePath, 'utf8').split('\n');

// 1. Import functions: entries of the `import0` object, one per name at
//    12 spaces of indentation, running to the next entry or the object's end.
const start = lines.findIndex((l) => /^ {8}const import0 = \{$/.test(l));
const end = lines.findIndex((l, i) => i > start && /^ {8}\};$/.test(l));
if (start < 0 || end < 0) throw new Error(`${gluePath}: no import0 object`);
const kept = [];
let dropping = false;
let dropped = 0;
for (const line of lines.slice(start + 1, end)) {
  const entry = /^ {12}(\w+): /.exec(line);
  if (entry) {
    dropping = entry[1] !== '__proto__' && !imported.has(entry[1]);
    if (dropping) dropped += 1;
  }
  if (dropping) continue;
  kept.push(entry && renamed.has(entry[1]) ? line.replace(`${entry[1]}: `, `${renamed.get(entry[1])}: `) : line);
}
lines = [...lines.slice(0, start + 1), ...kept, ...lines.slice(end)];
const moduleLine = lines.findIndex((l) => l === `            "${GLUE_MODULE}": import0,`);
if (moduleLine < 0) throw new Error(`${gluePath}: no "${GLUE_MODULE}": import0`);
lines[moduleLine] = `            ${SHORT_MODULE}: import0,`;

// 2. Exported classes whose `__wbg_<name>_free` is no longer exported:
//    the class, its dispose hook, its export and its FinalizationRegistry.
const classes = [...new Set(lines.map((l) => /^ {4}class (\w+) \{$/.exec(l)?.[1]).filter(Boolean))].filter(
  (name) => !exported.has(`__wbg_${name.toLowerCase()}_free`),
);
for (const name of classes) {
  const from = lines.indexOf(`    class ${name} {`);
  const to = lines.indexOf(`    exports.${name} = ${name};`);
  if (from < 0 || to < from) throw new Error(`${gluePath}: cannot find the whole class ${name}`);
  lines.splice(from, to - from + 1);
  const registry = lines.indexOf(`    const ${name}Finalization = (typeof FinalizationRegistry === 'undefined')`);
  if (registry >= 0) lines.splice(registry, 3);
}

const code = lines.join('\n');
const missingExports = [...new Set([...code.matchAll(/\bwasm\.(\w+)/g)].map((m) => m[1]))].filter(
  (name) => !exported.has(name),
);
const missingImports = WebAssembly.Module.imports(module)
  .map((i) => i.name)
  .filter((name) => !new RegExp(`^ {12}${name}: `, 'm').test(code));
if (missingExports.length || missingImports.length) {
  throw new Error(
    `${gluePath}: glue and wasm disagree: reads missing exports ${missingExports.join(', ') || '-'}; ` +
      `lacks imports ${missingImports.join(', ') || '-'}`,
  );
}
writeFileSync(out, code);
writeFileSync(wasmPath, minified);
console.log(
  `glue: ${dropped} unused imports and ${classes.length} unused classes (${classes.join(', ') || '-'}) removed, ` +
    `${renamed.size} imports renamed`,
);
