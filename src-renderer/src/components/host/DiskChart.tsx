// A small uPlot chart of a disk's used percent with its forecast line and the warn/critical
// levels. Kept inside components/host because the shared chart component (components/charts, the
// dashboard work) is not on this branch yet; it can replace this wrapper when it lands.
// Colours come from the theme's CSS variables and are re-read when the theme changes.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DiskChartData } from './disk-forecast';

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** A horizontal level line (warn, critical) drawn across the plot. */
function levelLine(value: number, color: string): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const y = u.valToPos(value, 'y', true);
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = color;
        ctx.setLineDash([4, 4]);
        ctx.lineWidth = 1 * devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(u.bbox.left, y);
        ctx.lineTo(u.bbox.left + u.bbox.width, y);
        ctx.stroke();
        ctx.restore();
      },
    },
  };
}

export function DiskChart({ data, warn, critical, label }: { data: DiskChartData; warn: number; critical: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: uPlot | null = null;
    const draw = () => {
      plot?.destroy();
      const text = cssVar('--text-muted', '#5a6474');
      const grid = cssVar('--border', '#e1e5eb');
      const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
      const width = Math.max(240, el.clientWidth);
      plot = new uPlot(
        {
          width,
          height: 180,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, y: { range: [0, 100] } },
          axes: [axis, { ...axis, values: (_u, ticks) => ticks.map((t) => `${t}%`), size: 48 }],
          series: [
            {},
            { label: 'used', stroke: cssVar('--accent', '#2f54d4'), width: 2, fill: cssVar('--accent-soft', 'rgba(47, 84, 212, 0.12)'), points: { show: data.x.length < 40 } },
            { label: 'forecast', stroke: cssVar('--danger', '#c42b2b'), width: 2, dash: [6, 4], points: { show: false } },
          ],
          plugins: [levelLine(warn, cssVar('--warn-strong', '#e08a00')), levelLine(critical, cssVar('--danger-strong', '#dc3232'))],
        },
        [data.x, data.used, data.forecast] as uPlot.AlignedData,
        el,
      );
    };
    draw();
    const resize = new ResizeObserver(() => plot?.setSize({ width: Math.max(240, el.clientWidth), height: 180 }));
    resize.observe(el);
    const theme = new MutationObserver(draw);
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      resize.disconnect();
      theme.disconnect();
      plot?.destroy();
    };
  }, [data, warn, critical]);
  return <div ref={box} className="disk-chart" role="img" aria-label={label} data-testid="disk-chart" />;
}
