// Seam: the backup jobs and runs (the backups issue). Replaced by the issue that owns it.
export function BackupsScreen() {

  return (
    <div className="empty-state">
      <h1>Coming with this build</h1>
    </div>
  );
}
