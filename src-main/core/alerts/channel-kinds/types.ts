// What a channel kind is: one file per kind under channel-kinds/, listed in registry.ts (like the
// check kinds). A kind validates its own part of a `channels:` entry and builds the AlertChannel.
import { z } from 'zod';
import type { AlertChannel, AlertNotice, DeliveryContext, DeliveryReceipt, NoticeKind } from '../channel.js';
import type { Logger } from '../../log/logger.js';
import { isValidSecretName } from '../../secrets/secrets.js';

/** Reads secrets by reference name (keychain, then KAAVAN_SECRET_<NAME>); null when absent. */
export interface SecretReader {
  get(name: string): Promise<string | null>;
}

export interface ChannelDeps {
  secrets: SecretReader;
  /** Never given a secret value. */
  log: Logger;
  now: () => number;
  /**
   * The desktop shell's notification channel for `kind: desktop` entries; absent in `kaavan serve`
   * and the CLI, where a desktop entry explains that only the app can show notifications.
   */
  desktop?: (name: string) => AlertChannel;
}

/** The fields every channel entry has, besides its kind's own. */
export interface ChannelBase {
  name: string;
  kind: string;
  /** Delivery timeout in ms (resolved from the entry's `timeout`). */
  deliveryTimeoutMs?: number;
  /** Notice kinds the channel wants; all when absent. */
  events?: readonly string[];
}

/** A problem across several fields of one entry, at `path` inside the entry. */
export interface ChannelIssue {
  path: Array<string | number>;
  message: string;
}

export interface ChannelKind<Shape extends z.ZodRawShape = z.ZodRawShape, Kind extends string = string> {
  kind: Kind;
  /** Label for the UI ("Email (SMTP)"). */
  title: string;
  /** The kind's own fields of a `channels:` entry. */
  paramsShape: Shape;
  crossFieldIssues?(params: z.infer<z.ZodObject<Shape>>): ChannelIssue[];
  /** Where notices go, for lists and tables ("ops@example.com via smtp.example.com:587"). Never a secret. */
  describe(params: z.infer<z.ZodObject<Shape>>): string;
  /** Names of the secrets the entry refers to (so the UI can flag one that is not set). */
  secretRefs(params: z.infer<z.ZodObject<Shape>>): string[];
  create(config: ChannelBase & z.infer<z.ZodObject<Shape>>, deps: ChannelDeps): AlertChannel;
}

export function defineChannelKind<Shape extends z.ZodRawShape, const Kind extends string>(kind: ChannelKind<Shape, Kind>): ChannelKind<Shape, Kind> {
  return kind;
}

/** The name of a secret (`kaavan secret set NAME`), as used by passwordRef, urlRef and secretRef. */
export const secretRefField = z
  .string({ error: 'must be the name of a secret (set it with `kaavan secret set NAME`)' })
  .refine(isValidSecretName, 'must be a secret name: 1 to 128 letters, digits, ".", "_" or "-"');

/** Looks a secret up, or throws a message naming the channel, the field and the fix. */
export async function requireSecret(secrets: SecretReader, ref: string, channel: string, field: string): Promise<string> {
  const value = await secrets.get(ref);
  if (value === null || value === '')
    throw new Error(`channel "${channel}": the secret "${ref}" (${field}) is not set; store it with \`kaavan secret set ${ref}\``);
  return value;
}

/** Replaces every secret value in `text` (should a peer or a library ever echo one). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('[redacted]');
  return out;
}

/**
 * The part every configured channel shares: its name, delivery timeout and the notice kinds it
 * wants (all when `events` is absent).
 */
export abstract class ConfiguredChannel implements AlertChannel {
  readonly name: string;
  readonly deliveryTimeoutMs?: number;
  private readonly wanted: ReadonlySet<string> | null;

  constructor(config: ChannelBase) {
    this.name = config.name;
    if (config.deliveryTimeoutMs !== undefined) this.deliveryTimeoutMs = config.deliveryTimeoutMs;
    this.wanted = config.events ? new Set(config.events) : null;
  }

  accepts(kind: NoticeKind): boolean {
    return this.wanted === null || this.wanted.has(kind);
  }

  abstract deliver(notice: AlertNotice, ctx: DeliveryContext): Promise<DeliveryReceipt | void>;
}
