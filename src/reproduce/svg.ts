/**
 * The few SVG pieces that the figures share (memrec reproduce's figures, scripts/checks/rum-alpha.ts and
 * rum-attention.ts). The figures are written by hand, with no plotting library, so that they are plain files
 * that a browser or GitHub shows as they are.
 */

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A whole SVG document on a white background (a transparent one is unreadable in dark viewers). */
export function svgDocument(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** `<text>` at (x, y); `anchor` is SVG's text-anchor. */
export function text(x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end' = 'start', extra = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}"${extra ? ` ${extra}` : ''}>${escapeXml(content)}</text>`;
}

/**
 * Round tick values from 0 up to at least `max`: a step of 1, 2 or 5 times a power of ten that gives about
 * `count` intervals. Returned as numbers rounded to the step's decimals, so that labels print cleanly.
 */
export function ticksUpTo(max: number, count: number): { values: number[]; decimals: number } {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) as number;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const values: number[] = [];
  for (let k = 0; values.length === 0 || values[values.length - 1] < max; k++) values.push(Number((k * step).toFixed(decimals)));
  return { values, decimals };
}
