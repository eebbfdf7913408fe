// Inlines wasm-bindgen's --target no-modules glue into the loader template,
// so pkg/tailor.js is one classic script that defines no globals of its own
// besides `tailor` (the contract's command queue) and the load guard.
// Then minifies it with terser (the `/*!` header stays): every byte ships
// to shoppers. Top-level names are kept, so the script's globals are the
// same as the template's.
import { readFileSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { minify } from 'terser';

const [template, glue, out] = process.argv.slice(2);
const marker = '/*__WASM_BINDGEN_GLUE__*/';
const loader = readFileSync(template, 'utf8');
if (!loader.includes(marker)) {
  throw new Error(`${template} has no ${marker}`);
}
const code = readFileSync(glue, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
const full = loader.replace(marker, () => code);

const minified = await minify(full, {
  module: false,
  toplevel: false,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: /^!/ },
});
const small = minified.code + '\n';
// Both must be valid scripts (compiled, not run).
new Script(full, { filename: template });
new Script(small, { filename: out });
writeFileSync(out, small);
