// What the alert timeline shows: a reminder-heavy outage keeps its first and last reminders and
// folds the ones between into one "N more reminders" line until asked. Pure (unit-tested).
import type { AlertEvent } from '../../../src-main/core/model';

/** Reminders kept visible around a fold: the first and the last. */
const FOLD_ABOVE = 3;
/** Messages longer than this show their start and a "Show all" toggle. */
export const LONG_MESSAGE = 280;

export type TimelineItem = { kind: 'event'; event: AlertEvent } | { kind: 'folded'; count: number };

export function timelineItems(events: readonly AlertEvent[], expanded: boolean): TimelineItem[] {
  const reminders = events.filter((e) => e.type === 'reminder');
  if (expanded || reminders.length <= FOLD_ABOVE) return events.map((event) => ({ kind: 'event', event }));
  const hidden = new Set(reminders.slice(1, -1).map((e) => e.id));
  const items: TimelineItem[] = [];
  let folded = false;
  for (const event of events) {
    if (!hidden.has(event.id)) items.push({ kind: 'event', event });
    else if (!folded) {
      items.push({ kind: 'folded', count: hidden.size });
      folded = true;
    }
  }
  return items;
}

/** The start of a long message, cut at a word, or null when it is short enough to show whole. */
export function messagePreview(message: string): string | null {
  if (message.length <= LONG_MESSAGE) return null;
  const cut = message.slice(0, LONG_MESSAGE);
  const space = cut.lastIndexOf(' ');
  return `${(space > LONG_MESSAGE / 2 ? cut.slice(0, space) : cut).trimEnd()}\u2026`;
}
