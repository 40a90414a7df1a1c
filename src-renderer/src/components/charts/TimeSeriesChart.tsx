// A time-series chart on uPlot (canvas; thousands of points draw in a few milliseconds), reused by
// the check, target, host and backup pages.
//
// CSP: uPlot only sets element.style properties (CSSOM), which `style-src 'self'` allows; its
// stylesheet is imported here and bundled by Vite. Colours are read from the theme's CSS variables
// (styles/tokens.css) and the chart is rebuilt when <html data-theme> changes, so both themes read
// well. The chart follows its container's width (ResizeObserver) and is destroyed on unmount.
//
// Props:
//   times      x values, epoch milliseconds, ascending.
//   series     one line each: `label`, `values` (same length as `times`; null = gap, no line drawn
//              across), `color` (a CSS variable name from tokens.css such as '--accent'), optional
//              `width` (px, default 1.5), `dash` (canvas dash pattern) and `fill` (soft area under).
//   bands      x intervals shaded behind the lines (down / degraded periods): `{ from, to, tone }`
//              with tone 'danger' | 'warn' | 'muted'.
//   height     plot height in CSS px (default 220).
//   compact    sparkline mode: no axes, legend or cursor (small charts in lists and cards).
//   formatValue  y-axis and legend text for a value (default "12 ms" style).
//   yMin       lowest value of the y scale (default 0; the top follows the data).
//   yMax       top of the y scale, to share one scale between small charts (default: the data's).
//   xRange     [from, to] epoch ms to show even where there is no data (a chosen time range).
//   ariaLabel  what the chart shows, for screen readers (the canvas itself is not readable).
//   testId     data-testid of the wrapper; the wrapper gets data-drawn="<points>" after each draw.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '../../styles/pages.css';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  /** A CSS variable from tokens.css, e.g. '--accent', '--warn-strong'. */
  color: string;
  width?: number;
  dash?: number[];
  fill?: boolean;
}

export interface ChartBand {
  from: number;
  to: number;
  tone: 'danger' | 'warn' | 'muted';
}

export interface TimeSeriesChartProps {
  times: number[];
  series: ChartSeries[];
  bands?: ChartBand[];
  height?: number;
  compact?: boolean;
  formatValue?: (value: number) => string;
  yMin?: number;
  yMax?: number;
  xRange?: [number, number];
  ariaLabel: string;
  testId?: string;
}

const BAND_COLOR: Record<ChartBand['tone'], string> = { danger: '--danger-strong', warn: '--warn-strong', muted: '--muted-strong' };

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** A colour from tokens.css (hex or rgb/rgba) with another opacity, for canvas fills. */
function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(color);
  return rgb ? `rgba(${rgb[1]},${rgb[2]},${rgb[3]}, ${alpha})` : color;
}

function defaultFormat(value: number): string {
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return value < 10 ? `${Math.round(value * 10) / 10} ms` : `${Math.round(value)} ms`;
}

/** The current theme, re-read when <html data-theme> changes (the chart is rebuilt with its colours). */
function useThemeKey(onChange: () => void): void {
  const ref = useRef(onChange);
  useEffect(() => {
    ref.current = onChange;
  });
  useEffect(() => {
    const observer = new MutationObserver(() => ref.current());
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
}

export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { times, series, bands, height = 220, compact = false, formatValue = defaultFormat, yMin = 0, yMax, xRange, ariaLabel, testId } = props;
  const wrapRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const bandsRef = useRef<ChartBand[]>(bands ?? []);
  const xRangeRef = useRef(xRange);
  const formatRef = useRef(formatValue);
  // With few points a line hardly shows (one bucket draws nothing): draw the points as dots too.
  const sparse = times.length < 90;
  const shapeKey = `${compact}|${sparse}|${height}|${yMin}|${yMax ?? ''}|${series.map((s) => `${s.label}/${s.color}/${s.width ?? ''}/${s.dash?.join(',') ?? ''}/${s.fill ?? ''}`).join(';')}`;
  const rebuildRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    bandsRef.current = bands ?? [];
    xRangeRef.current = xRange;
    formatRef.current = formatValue;
  });

  const data = (): uPlot.AlignedData => [times, ...series.map((s) => s.values)];

  // Build (and rebuild when the shape or the theme changes).
  useEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const build = () => {
      plotRef.current?.destroy();
      const text = cssVar('--text-muted');
      const grid = cssVar('--border');
      const opts: uPlot.Options = {
        width: Math.max(wrap.clientWidth, 50),
        height,
        ms: 1,
        pxAlign: 0,
        legend: { show: !compact, live: true },
        cursor: compact ? { show: false } : { drag: { x: false, y: false }, points: { size: 6 } },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        scales: {
          x: { time: true, range: (_u, min, max) => xRangeRef.current ?? [min, max] },
          y: { range: (_u, _min, max) => [yMin, yMax ?? (max > yMin ? max * 1.1 : yMin + 1)] },
        },
        axes: compact
          ? [{ show: false }, { show: false }]
          : [
              { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' },
              {
                stroke: text,
                grid: { stroke: grid, width: 1 },
                ticks: { stroke: grid, width: 1 },
                font: '11px system-ui, sans-serif',
                size: 56,
                values: (_u, splits) => splits.map((v) => formatRef.current(v)),
              },
            ],
        series: [
          { label: 'Time' },
          ...series.map((s) => {
            const color = cssVar(s.color);
            return {
              label: s.label,
              stroke: color,
              width: s.width ?? 1.5,
              ...(s.dash ? { dash: s.dash } : {}),
              ...(s.fill ? { fill: withAlpha(color, 0.14) } : {}),
              spanGaps: false,
              points: { show: sparse, size: compact ? 3 : 5, fill: color },
              value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '\u2014' : formatRef.current(v)),
            } satisfies uPlot.Series;
          }),
        ],
        hooks: {
          drawClear: [
            (u) => {
              const { ctx, bbox } = u;
              ctx.save();
              for (const band of bandsRef.current) {
                const x0 = Math.max(bbox.left, u.valToPos(band.from, 'x', true));
                const x1 = Math.min(bbox.left + bbox.width, u.valToPos(band.to, 'x', true));
                if (x1 < x0) continue;
                ctx.fillStyle = withAlpha(cssVar(BAND_COLOR[band.tone]), 0.22);
                // At least two device pixels, so a short outage stays visible on a year-long chart.
                ctx.fillRect(x0, bbox.top, Math.max(2 * devicePixelRatio, x1 - x0), bbox.height);
              }
              ctx.restore();
            },
          ],
          draw: [
            (u) => {
              wrap.dataset.drawn = String(u.data[0]?.length ?? 0);
            },
          ],
        },
      };
      plotRef.current = new uPlot(opts, data(), wrap);
    };
    rebuildRef.current = build;
    build();
    const resize = new ResizeObserver(() => {
      const plot = plotRef.current;
      if (plot && Math.abs(plot.width - wrap.clientWidth) > 1) plot.setSize({ width: Math.max(wrap.clientWidth, 50), height });
    });
    resize.observe(wrap);
    return () => {
      resize.disconnect();
      plotRef.current?.destroy();
      plotRef.current = null;
      delete wrap.dataset.drawn;
    };
    // data() is read at build time; later data changes go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shapeKey]);

  useThemeKey(() => rebuildRef.current());

  // New data (or bands, or range) on the same chart: no rebuild.
  useEffect(() => {
    plotRef.current?.setData(data(), true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [times, series, bands, xRange?.[0], xRange?.[1]]);

  return <div ref={wrapRef} className={`ts-chart${compact ? ' ts-chart-compact' : ''}`} role="group" aria-label={ariaLabel} data-testid={testId} />;
}
