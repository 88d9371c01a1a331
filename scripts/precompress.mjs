// Compresses the browser build's files once, at build time, at the highest quality (brotli 11
// with a large window, gzip 9), so the server sends them as they are (`.br` / `.gz` beside each).
// Usage: node scripts/precompress.mjs [dir, default target/site/pkg]
import { readdirSync, readFileSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'target/site/pkg';
const worth = /\.(wasm|js|css|json|svg|html)$/;
let before = 0;
let after = 0;
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (name.endsWith('.br') || name.endsWith('.gz')) {
    unlinkSync(path); // left from an earlier build
    continue;
  }
  if (!statSync(path).isFile() || !worth.test(name)) continue;
  const data = readFileSync(path);
  const br = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
  before += data.length;
  after += br.length;
}
console.log(`precompressed ${dir}: ${(before / 1024).toFixed(0)} KB → ${(after / 1024).toFixed(0)} KB brotli`);
