// Builds the page into a directory (node build.mjs OUTDIR): the
// scripts and styles bundled by esbuild under assets/ with their
// content's hash in their names (cached for good), and index.html
// naming them (never cached: it is what changes).

import * as esbuild from 'esbuild';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
    console.error('usage: node build.mjs OUTDIR');
    process.exit(2);
}

await rm(path.join(out, 'assets'), { recursive: true, force: true });
await mkdir(path.join(out, 'assets'), { recursive: true });

const result = await esbuild.build({
    entryPoints: [path.join(here, 'src/main.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020'],
    outdir: path.join(out, 'assets'),
    entryNames: 'app-[hash]',
    chunkNames: 'chunk-[hash]',
    splitting: true,
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
});

// the output files of the page's entry point (not of the languages
// loaded later): its script and its styles
let js = null;
let css = null;
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint || !meta.entryPoint.endsWith('src/main.js')) {
        continue;
    }
    js = path.basename(file);
    css = meta.cssBundle ? path.basename(meta.cssBundle) : null;
}
if (!js || !css) {
    console.error('build: esbuild made no script or no styles');
    process.exit(1);
}

const html = (await readFile(path.join(here, 'index.html'), 'utf8'))
    .replace('@JS@', 'assets/' + js)
    .replace('@CSS@', 'assets/' + css);
await writeFile(path.join(out, 'index.html.tmp'), html);
await rename(path.join(out, 'index.html.tmp'), path.join(out, 'index.html'));
