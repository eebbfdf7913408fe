// Prints raw, gzip and brotli sizes of every file in pkg/ and fails when
// the widget's brotli total passes the budget in budget.json.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? 'pkg';
const budget = JSON.parse(readFileSync('budget.json', 'utf8')).widget_brotli_bytes;
const widget = /\.(js|wasm|css)$/;
const rows = readdirSync(dir)
  .filter((name) => statSync(join(dir, name)).isFile() && widget.test(name))
  .sort()
  .map((name) => {
    const bytes = readFileSync(join(dir, name));
    return {
      name,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      }).length,
    };
  });
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), {
  raw: 0,
  gzip: 0,
  brotli: 0,
});
const line = (name, r) =>
  `${name.padEnd(18)}${String(r.raw).padStart(10)}${String(r.gzip).padStart(10)}${String(r.brotli).padStart(10)}`;
console.log(`size report (${dir}/)`);
console.log(`${'file'.padEnd(18)}${'raw'.padStart(10)}${'gzip'.padStart(10)}${'brotli'.padStart(10)}`);
rows.forEach((r) => console.log(line(r.name, r)));
console.log(line('total', total));
const share = ((100 * total.brotli) / budget).toFixed(1);
console.log(`budget: ${total.brotli} of ${budget} brotli bytes (${share} %) from budget.json`);
if (total.brotli > budget) {
  console.error(`size budget exceeded by ${total.brotli - budget} bytes`);
  process.exit(1);
}
