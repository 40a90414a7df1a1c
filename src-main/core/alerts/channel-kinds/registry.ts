// The channel kinds: one file per kind in this folder. Add a kind by writing its file and listing it here.
import type { ChannelKind } from './types.js';
import { emailChannel } from './email.js';
import { webhookChannel } from './webhook.js';
import { desktopChannel } from './desktop.js';

export const channelKinds = [emailChannel, webhookChannel, desktopChannel] as const;

const byKind = new Map<string, ChannelKind>(channelKinds.map((k) => [k.kind, k as unknown as ChannelKind]));

export function getChannelKind(kind: string): ChannelKind | undefined {
  return byKind.get(kind);
}
