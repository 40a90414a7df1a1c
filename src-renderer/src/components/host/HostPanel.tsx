// Seam: host-specific parts of the per-target page (score breakdown, gauges, disk forecast,
// file-integrity diff, log lines). Owned by the hosts issue; the target page renders it.
import type { TargetView } from '../../../../src-main/core/model';

export function HostPanel({ target }: { target: TargetView }) {
  void target;
  return null;
}
