// Inlines wasm-bindgen's --target no-modules glue into the loader template,
// so pkg/tailor.js is one classic script that defines no globals of its own
// besides `tailor` (the contract's command queue) and the load guard.
// Then drops what only helps a reader (comment lines and blocks, indentation,
// blank lines; the `/*!` header stays): every line break stays where it was,
// so automatic semicolon insertion reads the code as before, and the script
// refuses any multi-line string or template it could alter.
import { readFileSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';

const [template, glue, out] = process.argv.slice(2);
const marker = '/*__WASM_BINDGEN_GLUE__*/';
const loader = readFileSync(template, 'utf8');
if (!loader.includes(marker)) {
  throw new Error(`${template} has no ${marker}`);
}
const code = readFileSync(glue, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
const full = loader.replace(marker, () => code);

function compact(source) {
  const kept = [];
  let inComment = false;
  for (const [i, line] of source.split('\n').entries()) {
    const text = line.trim();
    if (inComment) {
      inComment = !text.includes('*/');
      continue;
    }
    if (text.startsWith('/*') && !text.startsWith('/*!')) {
      const end = text.indexOf('*/', 2);
      if (end < 0) {
        inComment = true;
        continue;
      }
      if (end === text.length - 2) continue;
    }
    if (text === '' || text.startsWith('//')) continue;
    if ((text.match(/`/g) ?? []).length % 2 === 1 || text.endsWith('\\')) {
      throw new Error(`${out}: line ${i + 1} continues a string onto the next line; cannot compact safely`);
    }
    kept.push(text);
  }
  return kept.join('\n') + '\n';
}

const small = compact(full);
// Both must be valid scripts (compiled, not run).
new Script(full, { filename: template });
new Script(small, { filename: out });
writeFileSync(out, small);
