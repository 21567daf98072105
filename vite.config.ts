// Builds the browser pages into web/dist; the service serves them from its own origin.
// Each page is one HTML entry below. After the build, every text asset also gets a .br and a .gz
// copy, which the server sends to browsers that accept them (see server/web/plugin.ts).
// The colour table and font list reach the style sheets as custom properties on :root
// (`import 'virtual:palette.css'` in each page), written here from server/palette.ts.
import { defineConfig, type Plugin } from 'vite';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { paletteCustomProperties } from './server/palette.ts';

const PALETTE_CSS = 'virtual:palette.css';

/** `virtual:palette.css`: `:root { --font-body: …; --ring-5-fill: …; … }` from server/palette.ts. */
function paletteCss(): Plugin {
  return {
    name: 'hexi-palette-css',
    resolveId: (id) => (id === PALETTE_CSS ? `\0${PALETTE_CSS}` : undefined),
    load(id) {
      if (id !== `\0${PALETTE_CSS}`) return undefined;
      const lines = Object.entries(paletteCustomProperties()).map(([name, value]) => `  ${name}: ${value};`);
      return `:root {\n${lines.join('\n')}\n}\n`;
    },
  };
}

function precompress(): Plugin {
  return {
    name: 'hexi-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir!;
      for (const file of Object.keys(bundle)) {
        if (!/\.(js|mjs|css|html|svg|json)$/.test(file)) continue;
        const full = path.join(dir, file);
        const data = fs.readFileSync(full);
        if (data.length < 1024) continue;
        fs.writeFileSync(`${full}.br`, zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }));
        fs.writeFileSync(`${full}.gz`, zlib.gzipSync(data, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: 'web',
  plugins: [paletteCss(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        index: path.resolve('web/index.html'),
        m: path.resolve('web/m.html'),
        admin: path.resolve('web/admin.html'),
      },
    },
  },
});
