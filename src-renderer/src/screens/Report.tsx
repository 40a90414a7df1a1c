// Seam: the status report (the hosts issue). Replaced by the issue that owns it.
export function ReportScreen() {

  return (
    <div className="empty-state">
      <h1>Coming with this build</h1>
    </div>
  );
}
