import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertEventType } from '../../src-main/core/model.js';
import { messagePreview, timelineItems } from '../../src-renderer/src/screens/alert-timeline.js';

let nextId = 1;
const ev = (type: AlertEventType, message = type): AlertEvent => ({ id: nextId++, alertId: 1, at: nextId * 1000, type, message });

describe('alert timeline', () => {
  it('shows every event of a short outage', () => {
    const events = [ev('opened'), ev('reminder'), ev('reminder'), ev('resolved')];
    expect(timelineItems(events, false).map((i) => (i.kind === 'event' ? i.event.type : `+${i.count}`))).toEqual(['opened', 'reminder', 'reminder', 'resolved']);
  });

  it('folds the reminders between the first and the last of a long outage, until expanded', () => {
    const events = [ev('opened'), ...Array.from({ length: 40 }, () => ev('reminder')), ev('acknowledged'), ev('reminder'), ev('resolved')];
    const folded = timelineItems(events, false).map((i) => (i.kind === 'event' ? i.event.type : `+${i.count}`));
    expect(folded).toEqual(['opened', 'reminder', '+39', 'acknowledged', 'reminder', 'resolved']);
    expect(timelineItems(events, true)).toHaveLength(events.length);
  });

  it('gives long messages a preview cut at a word', () => {
    expect(messagePreview('short note')).toBeNull();
    const long = 'connection refused '.repeat(30);
    const preview = messagePreview(long)!;
    expect(preview.length).toBeLessThanOrEqual(281);
    expect(preview.endsWith('refused\u2026') || preview.endsWith('connection\u2026')).toBe(true);
  });
});
