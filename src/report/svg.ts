/**
 * Vega-Lite spec → SVG text, headless in Node: compile to Vega, build a View with no renderer
 * (no canvas package and no browser; text widths are estimated) and ask it for SVG. vega and
 * vega-lite are imported on first use, so commands that draw nothing do not load them.
 */
import type * as VegaModule from 'vega';
import type * as VegaLiteModule from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

type Vega = typeof VegaModule;
type VegaLite = typeof VegaLiteModule;

let libraries: Promise<[Vega, VegaLite]> | undefined;

function load(): Promise<[Vega, VegaLite]> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]);
  return libraries;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await load();
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
