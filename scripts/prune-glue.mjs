// Trims wasm-bindgen's glue to what the optimised wasm still uses:
// - import functions the wasm no longer imports (wasm-opt drops imports
//   of code it removed, but the glue still defines them);
// - exported classes whose wasm exports were removed (wasm-streams, pulled
//   in by Leptos' server functions, exports its stream adapters; build.sh
//   removes those exports so their code goes too).
// Then checks that every `wasm.NAME` the glue reads is exported and every
// import the wasm needs is defined, so a pruning mistake fails the build
// instead of the shopper's page.
//   node scripts/prune-glue.mjs <glue.js> <final.wasm> <out.js>
import { readFileSync, writeFileSync } from 'node:fs';

const [gluePath, wasmPath, out] = process.argv.slice(2);
const module = new WebAssembly.Module(readFileSync(wasmPath));
const imported = new Set(WebAssembly.Module.imports(module).map((i) => i.name));
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
  if (!dropping) kept.push(line);
}
lines = [...lines.slice(0, start + 1), ...kept, ...lines.slice(end)];

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
const missingImports = [...imported].filter((name) => !new RegExp(`^ {12}${name}: `, 'm').test(code));
if (missingExports.length || missingImports.length) {
  throw new Error(
    `${gluePath}: glue and wasm disagree: reads missing exports ${missingExports.join(', ') || '-'}; ` +
      `lacks imports ${missingImports.join(', ') || '-'}`,
  );
}
writeFileSync(out, code);
console.log(`glue: ${dropped} unused imports and ${classes.length} unused classes (${classes.join(', ') || '-'}) removed`);
