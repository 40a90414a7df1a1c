// Seam: the per-target page (the dashboard issue; host parts come from components/host). Replaced by its owner.
// Until then it shows the target's name, status and host panel, so the hosts work can be seen and tested.
import { useApp } from '../state/store';
import { HostPanel } from '../components/host/HostPanel';
import { StatusBadge } from '../components/status';

export function TargetPageScreen({ id }: { id: number }) {
  const target = useApp((s) => s.overview?.targets.find((t) => t.id === id));
  if (!target) {
    return (
      <div className="empty-state">
        <h1>No such target</h1>
      </div>
    );
  }
  return (
    <div className="screen">
      <div className="page-header">
        <div>
          <h1 data-testid="target-page-title">{target.name}</h1>
        </div>
        <StatusBadge status={target.status} testId="target-page-status" />
      </div>
      <HostPanel target={target} />
    </div>
  );
}
