// The configured channels as owned delivery lanes: applied at start and on every config change
// (added, replaced when their entry changed, removed after their delivery in flight), and the
// routing decision the notifier asks for each notice (routes, quiet hours; docs/channels.md).
import type { AlertChannel, AlertNotice } from './channel.js';
import type { Notifier } from './notifier.js';
import type { KaavanConfig } from '../config/schema.js';
import type { ChannelEntry } from './channel-config.js';
import { noticeSubject, routeNotice, type RoutingConfig } from './routing.js';

export interface ChannelSetOptions {
  notifier: Notifier;
  /** Used while the config lists no channels (the app's desktop notifications). */
  defaults: AlertChannel[];
  /** Always get every notice (serve's console log). */
  alwaysOn: AlertChannel[];
  create: (entry: ChannelEntry) => AlertChannel;
  now: () => number;
}

export class ChannelSet {
  /** Lane name → what it was built from, to tell a changed entry from an unchanged one. */
  private readonly current = new Map<string, string>();
  private routing: RoutingConfig | null = null;
  private tags = new Map<string, readonly string[]>();
  private readonly alwaysOnNames: Set<string>;

  constructor(private readonly options: ChannelSetOptions) {
    this.alwaysOnNames = new Set(options.alwaysOn.map((c) => c.name));
    options.notifier.setRouter((notice) => this.route(notice));
  }

  async apply(config: KaavanConfig): Promise<void> {
    const entries = (config.channels ?? []).filter((e) => e.enabled !== false);
    const wanted = new Map<string, { source: string; make: () => AlertChannel }>();
    if ((config.channels ?? []).length > 0) {
      for (const entry of entries) wanted.set(entry.name, { source: JSON.stringify(entry), make: () => this.options.create(entry) });
    } else {
      for (const channel of this.options.defaults) wanted.set(channel.name, { source: 'default', make: () => channel });
    }
    for (const channel of this.options.alwaysOn) wanted.set(channel.name, { source: 'always-on', make: () => channel });

    for (const [name, source] of this.current) {
      if (wanted.get(name)?.source === source) continue;
      await this.options.notifier.removeChannel(name);
      this.current.delete(name);
    }
    for (const [name, { source, make }] of wanted) {
      if (this.current.has(name)) continue;
      this.options.notifier.addChannel(make());
      this.current.set(name, source);
    }
    this.routing = (config.channels ?? []).length > 0 ? { channels: config.channels ?? [], routes: config.routes ?? [] } : null;
    this.tags = new Map((config.targets ?? []).map((t) => [t.name, t.tags ?? []]));
  }

  /** The lanes a notice goes to; null = every lane (no channels configured). */
  route(notice: AlertNotice): ReadonlySet<string> | null {
    if (!this.routing) return null;
    const decisions = routeNotice(noticeSubject(notice, this.tags.get(notice.alert.target) ?? []), this.routing, this.options.now());
    return new Set([...decisions.filter((d) => d.deliver).map((d) => d.channel), ...this.alwaysOnNames]);
  }
}
