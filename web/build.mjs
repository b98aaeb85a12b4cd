// Builds the page into dist/: src/main.js bundled (with marked, DOMPurify and highlight.js
// from node_modules) into app.js, and index.html and styles.css copied beside it.
//   node build.mjs           one production build
//   node build.mjs --watch   rebuild on change
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const watch = process.argv.includes('--watch');

const copyStatic = {
    name: 'copy-static',
    setup(build) {
        build.onEnd(async (result) => {
            if (result.errors.length) return;
            await copyFile(join(here, 'index.html'), join(dist, 'index.html'));
            await copyFile(join(here, 'styles.css'), join(dist, 'styles.css'));
        });
    },
};

const options = {
    absWorkingDir: here,
    entryPoints: { app: 'src/main.js' },
    outdir: dist,
    bundle: true,
    format: 'esm',
    target: ['chrome111', 'firefox113', 'safari16.4'],
    minify: !watch,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'info',
    plugins: [copyStatic],
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
} else {
    await esbuild.build(options);
}
