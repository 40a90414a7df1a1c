// The desktop channel's core side: its config entry and description. The notification itself is
// Electron's (src-main/shell/desktop-channel.ts), handed in by the shell as `deps.desktop`; where
// there is no desktop (`kaavan serve`, the CLI) the entry stays valid and says so when used.
import type { AlertChannel, NoticeKind } from '../channel.js';
import { defineChannelKind } from './types.js';

export const desktopParamsShape = {};

/** Stands in for the desktop channel where no desktop exists, so a notice fails with the reason. */
class NoDesktopChannel implements AlertChannel {
  constructor(
    readonly name: string,
    private readonly wanted: ReadonlySet<string> | null,
  ) {}
  accepts(kind: NoticeKind): boolean {
    return this.wanted === null || this.wanted.has(kind);
  }
  async deliver(): Promise<never> {
    throw new Error(`channel "${this.name}": desktop notifications are shown only by the Kaavan app, not by \`kaavan serve\` or the CLI`);
  }
}

export const desktopChannel = defineChannelKind({
  kind: 'desktop',
  title: 'Desktop notification',
  paramsShape: desktopParamsShape,
  describe() {
    return 'notifications on this computer (Kaavan app)';
  },
  secretRefs() {
    return [];
  },
  create(config, deps) {
    if (deps.desktop) return deps.desktop(config.name);
    return new NoDesktopChannel(config.name, config.events ? new Set(config.events) : null);
  },
});
