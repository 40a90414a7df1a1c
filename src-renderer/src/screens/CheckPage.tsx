// Seam: the per-check page (the dashboard issue). Replaced by the issue that owns it.
export function CheckPageScreen({ id }: { id: number }) {
  void id;
  return (
    <div className="empty-state">
      <h1>Coming with this build</h1>
    </div>
  );
}
