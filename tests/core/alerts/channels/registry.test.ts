// The channel registry: every kind builds from its config entry, honours `events` and `timeout`,
// and the desktop kind explains itself where there is no desktop.
import { describe, expect, it } from 'vitest';
import { channelEntrySchema, channelSecretRefs, createChannel, createChannels, describeChannel, sendTest } from '../../../../src-main/core/alerts/channel-config.js';
import { channelKinds } from '../../../../src-main/core/alerts/channel-kinds/registry.js';
import { ConsoleChannel } from '../../../../src-main/core/alerts/channels/console.js';
import { createSecretStore } from '../../../../src-main/core/secrets/secrets.js';
import { recordingLogger } from './peers.js';

const deps = { secrets: createSecretStore({ backend: null, env: {} }), log: recordingLogger(), now: () => 0 };

describe('channel registry', () => {
  it('lists email, webhook and desktop with titles', () => {
    expect(channelKinds.map((k) => [k.kind, k.title])).toEqual([
      ['email', 'Email (SMTP)'],
      ['webhook', 'Webhook (JSON or Slack-compatible chat)'],
      ['desktop', 'Desktop notification'],
    ]);
  });

  it('the issue\'s example entries parse, describe themselves without secrets and name their secret references', () => {
    const entries = [
      { name: 'ops-mail', kind: 'email', host: 'smtp.example.com', port: 587, security: 'starttls', user: 'kaavan@example.com', passwordRef: 'smtp-ops', from: 'kaavan@example.com', to: ['ops@example.com'] },
      { name: 'team-chat', kind: 'webhook', urlRef: 'chat-hook', format: 'slack', headers: { 'X-Api-Key': { secretRef: 'chat-key' } } },
      { name: 'desktop', kind: 'desktop' },
    ].map((e) => channelEntrySchema.parse(e));
    expect(entries.map(describeChannel)).toEqual([
      'ops@example.com via smtp.example.com:587 (starttls)',
      'Slack-compatible chat hook (URL in secret "chat-hook")',
      'notifications on this computer (Kaavan app)',
    ]);
    expect(entries.map(channelSecretRefs)).toEqual([['smtp-ops'], ['chat-hook', 'chat-key'], []]);
  });

  it('createChannels builds the enabled entries only, in order', () => {
    const entries = [
      { name: 'a', kind: 'webhook', urlRef: 'x' },
      { name: 'b', kind: 'webhook', urlRef: 'y', enabled: false },
      { name: 'c', kind: 'desktop' },
    ].map((e) => channelEntrySchema.parse(e));
    expect(createChannels(entries, deps).map((c) => c.name)).toEqual(['a', 'c']);
  });

  it('events and timeout from the entry reach the channel', () => {
    const channel = createChannel(channelEntrySchema.parse({ name: 'm', kind: 'webhook', urlRef: 'x', events: ['opened', 'recovered'], timeout: '10s' }), deps);
    expect(['opened', 'reminder', 'recovered', 'acknowledged', 'resolved'].map((k) => channel.accepts(k as never))).toEqual([true, false, true, false, false]);
    expect(channel.deliveryTimeoutMs).toBe(10_000);
  });

  it('desktop: the shell\'s channel where there is a desktop; a clear refusal where there is none', async () => {
    const entry = channelEntrySchema.parse({ name: 'desk', kind: 'desktop' });
    const lines: string[] = [];
    const shellChannel = new ConsoleChannel((l) => lines.push(l)); // stands for the shell's Notification channel
    expect(createChannel(entry, { ...deps, desktop: () => shellChannel })).toBe(shellChannel);
    const headless = createChannel(entry, deps);
    expect(await sendTest(headless)).toEqual({ ok: false, error: 'channel "desk": desktop notifications are shown only by the Kaavan app, not by `kaavan serve` or the CLI' });
  });
});
