// The bar of recent probes: one thin block per probe, oldest on the left, coloured by its status
// (with the status in each block's title and in the accessible summary, never colour alone).
import type { ResultPoint } from '../../../../src-main/core/model';
import { dateTime, formatMs } from '../../lib/format';
import '../../styles/pages.css';

export function ProbeBar({ points, slots = 60, testId }: { points: ResultPoint[]; slots?: number; testId?: string }) {
  const shown = points.slice(-slots);
  const empty = Math.max(0, slots - shown.length);
  const down = shown.filter((p) => p.status === 'down').length;
  const degraded = shown.filter((p) => p.status === 'degraded').length;
  const summary = shown.length === 0 ? 'No probes yet' : `Last ${shown.length} probes: ${shown.length - down - degraded} up, ${degraded} degraded, ${down} down`;
  return (
    <div className="probe-bar" role="img" aria-label={summary} data-testid={testId}>
      {Array.from({ length: empty }, (_, i) => (
        <span key={`e${i}`} className="probe probe-empty" />
      ))}
      {shown.map((p) => (
        <span
          key={p.at}
          className={`probe probe-${p.status}`}
          data-status={p.status}
          title={`${dateTime(p.at)} \u00b7 ${p.status}${p.latencyMs !== null && p.status !== 'down' ? ` \u00b7 ${formatMs(p.latencyMs)}` : ''}\n${p.message}`}
        />
      ))}
    </div>
  );
}
