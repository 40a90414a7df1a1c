// The visible "disconnected / reconnecting" banner of the HTTP transport: it says which of the two
// happened, the server cannot be reached (retrying), or it is back with a token this tab does not have.
import { useApp } from '../state/store';
import { useNow } from '../lib/hooks';
import { Icon } from './icons';

export function ConnectionBanner() {
  const connection = useApp((s) => s.connection);
  const client = useApp((s) => s.client);
  const now = useNow(1000, connection.status === 'reconnecting');
  if (connection.status === 'open' || connection.status === 'connecting') return null;
  if (connection.status === 'unauthorized') {
    // Two different truths: the server is back with another token (open its new link), or this link was never right.
    const changed = connection.reason === 'token-changed';
    return (
      <div className="banner banner-danger" role="alert" data-testid="connection-banner" data-state="unauthorized" data-reason={connection.reason ?? 'refused'}>
        <Icon name="key" />
        <span>
          <strong>{changed ? 'The server restarted with a new token.' : 'Access refused.'}</strong> {connection.message}
        </span>
      </div>
    );
  }
  const seconds = Math.max(0, Math.ceil((connection.retryAt - now) / 1000));
  const server = connection.server ?? window.location.host;
  return (
    <div className="banner banner-warn" role="alert" data-testid="connection-banner" data-state="reconnecting">
      <Icon name="wifi-off" />
      <span>
        <strong>Cannot reach the server at {server}.</strong> Live updates are paused; retrying{seconds > 0 ? ` in ${seconds} s` : '\u2026'} (attempt{' '}
        {connection.attempt}). This tab keeps working when “kaavan serve” is back with the same token.
      </span>
      <button type="button" className="btn btn-sm" onClick={() => client?.reconnect()}>
        Retry now
      </button>
    </div>
  );
}
