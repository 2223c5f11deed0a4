// Writes each figure as SVG and, when @resvg/resvg-js loads (a dev dependency with a native binary
// per platform), as PNG too.

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The PNG renderer, or the reason it is unavailable. `scale` multiplies the SVG's 800 × 600: 2 is
 * sharp on high-density screens; 1 renders in a quarter of the time (for --quick).
 */
export function loadPngRenderer(scale) {
  try {
    const { Resvg } = require('@resvg/resvg-js');
    return {
      render: (svg) =>
        new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
          .render()
          .asPng(),
      error: null,
    };
  } catch (e) {
    return { render: null, error: e.message.split('\n')[0] };
  }
}

/**
 * @param {{ name: string, svg: string }[]} figures
 * @param {string} dir
 * @param {ReturnType<typeof loadPngRenderer>} png
 * @returns {{ name: string, svg: string, png: string | null }[]} the files written, per figure
 */
export function writeFigures(figures, dir, png) {
  fs.mkdirSync(dir, { recursive: true });
  return figures.map((f) => {
    const svgFile = path.join(dir, `${f.name}.svg`);
    fs.writeFileSync(svgFile, f.svg);
    let pngFile = null;
    if (png.render) {
      pngFile = path.join(dir, `${f.name}.png`);
      fs.writeFileSync(pngFile, png.render(f.svg));
    }
    return { name: f.name, caption: f.caption, svg: svgFile, png: pngFile };
  });
}
