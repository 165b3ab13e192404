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

/** One bar of a horizontal bar chart: a value with an optional interval, and an optional second (reference) value. */
export interface Bar {
  readonly label: string;
  readonly value: number | null;
  readonly interval?: { readonly low: number; readonly high: number } | null;
  readonly reference?: number | null;
  readonly highlight?: boolean;
}

const BAR = { left: 150, plot: 360, right: 160, row: 30, top: 48 };
const barColour = (highlight: boolean | undefined) => (highlight ? '#c05621' : '#2b6cb0');

/**
 * Horizontal bars from 0 on a labelled x axis: each value as a bar with its value written after it (and its
 * interval as a whisker with the interval in brackets), the reference value as a thin grey bar under it, a
 * highlighted bar in orange. `digits` decimals in the written values; the title in bold over a line that says
 * what is drawn.
 */
export function barChart(title: string, subtitle: string, bars: readonly Bar[], digits: number): string {
  const top = Math.max(1e-12, ...bars.flatMap((b) => [b.value ?? 0, b.interval?.high ?? 0, b.reference ?? 0]));
  const ticks = ticksUpTo(top, 5);
  const axisMax = ticks.values[ticks.values.length - 1];
  const x = (v: number) => BAR.left + (Math.max(0, v) / axisMax) * BAR.plot;
  const bottom = BAR.top + bars.length * BAR.row;
  const body = [text(0, 14, title, 'start', 'font-weight="bold"'), text(0, 30, subtitle, 'start', 'font-size="11" fill="#4a5568"')];
  for (const v of ticks.values) {
    body.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${BAR.top - 4}" y2="${bottom}" stroke="#e2e8f0"/>`, text(x(v), bottom + 14, v.toFixed(ticks.decimals), 'middle'));
  }
  body.push(`<polyline points="${BAR.left},${BAR.top - 4} ${BAR.left},${bottom} ${BAR.left + BAR.plot},${bottom}" fill="none" stroke="#000"/>`);
  bars.forEach((bar, k) => {
    const y = BAR.top + k * BAR.row;
    body.push(text(BAR.left - 6, y + 11, bar.label, 'end', bar.highlight ? 'font-weight="bold"' : ''));
    if (bar.value === null) {
      body.push(text(BAR.left + 4, y + 11, 'no figure', 'start', 'fill="#718096"'));
    } else {
      const colour = barColour(bar.highlight);
      body.push(`<rect x="${BAR.left}" y="${y + 2}" width="${(x(bar.value) - BAR.left).toFixed(1)}" height="12" fill="${colour}"/>`);
      let end = x(bar.value);
      let written = bar.value.toFixed(digits);
      if (bar.interval) {
        const [low, high, mid] = [x(bar.interval.low), x(bar.interval.high), y + 8];
        body.push(`<path d="M${low.toFixed(1)},${mid - 4}v8M${low.toFixed(1)},${mid}H${high.toFixed(1)}M${high.toFixed(1)},${mid - 4}v8" stroke="#1a202c" fill="none"/>`);
        end = Math.max(end, high);
        written += ` [${bar.interval.low.toFixed(digits)}, ${bar.interval.high.toFixed(digits)}]`;
      }
      body.push(text(end + 4, y + 12, written, 'start', bar.highlight ? 'font-weight="bold"' : ''));
    }
    if (bar.reference !== null && bar.reference !== undefined) {
      body.push(`<rect x="${BAR.left}" y="${y + 17}" width="${(x(bar.reference) - BAR.left).toFixed(1)}" height="6" fill="#a0aec0"/>`);
      body.push(text(x(bar.reference) + 4, y + 24, bar.reference.toFixed(digits), 'start', 'font-size="10" fill="#4a5568"'));
    }
  });
  return svgDocument(BAR.left + BAR.plot + BAR.right, bottom + 22, body);
}
