// Seam: the per-target page (the dashboard issue; host parts come from components/host). Replaced by its owner.
export function TargetPageScreen({ id }: { id: number }) {
  void id;
  return (
    <div className="empty-state">
      <h1>Coming with this build</h1>
    </div>
  );
}
