// Seam: the notification delivery queue (the incident-response issue). Replaced by the issue that owns it.
export function DeliveryScreen() {

  return (
    <div className="empty-state">
      <h1>Coming with this build</h1>
    </div>
  );
}
