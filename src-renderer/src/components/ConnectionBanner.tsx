// The visible "disconnected / reconnecting" banner of the HTTP transport.
import { useApp } from '../state/store';
import { useNow } from '../lib/hooks';
import { Icon } from './icons';

export function ConnectionBanner() {
  const connection = useApp((s) => s.connection);
  const client = useApp((s) => s.client);
  const now = useNow(1000, connection.status === 'reconnecting');
  if (connection.status === 'open' || connection.status === 'connecting') return null;
  if (connection.status === 'unauthorized') {
    return (
      <div className="banner banner-danger" role="alert" data-testid="connection-banner" data-state="unauthorized">
        <Icon name="key" />
        <span>
          <strong>Access refused.</strong> {connection.message}
        </span>
      </div>
    );
  }
  const seconds = Math.max(0, Math.ceil((connection.retryAt - now) / 1000));
  return (
    <div className="banner banner-warn" role="alert" data-testid="connection-banner" data-state="reconnecting">
      <Icon name="wifi-off" />
      <span>
        <strong>Disconnected from Kaavan.</strong> Live updates are paused; reconnecting{seconds > 0 ? ` in ${seconds} s` : '\u2026'} (attempt{' '}
        {connection.attempt}).
      </span>
      <button type="button" className="btn btn-sm" onClick={() => client?.reconnect()}>
        Retry now
      </button>
    </div>
  );
}
