// Inlines wasm-bindgen's --target no-modules glue into the loader template,
// so pkg/tailor.js is one classic script that defines no globals of its own
// besides `tailor` (the contract's command queue) and the load guard.
import { readFileSync, writeFileSync } from 'node:fs';

const [template, glue, out] = process.argv.slice(2);
const marker = '/*__WASM_BINDGEN_GLUE__*/';
const loader = readFileSync(template, 'utf8');
if (!loader.includes(marker)) {
  throw new Error(`${template} has no ${marker}`);
}
const code = readFileSync(glue, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
writeFileSync(out, loader.replace(marker, () => code));
