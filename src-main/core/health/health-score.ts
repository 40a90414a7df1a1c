// A target's health score: its checks boiled down to one number in 0..1 (DESIGN §2). Each check
// belongs to a category (its `category` field, else its kind's default below); a category scores
// the weighted mean of its checks (up 1, degraded 0.5, down 0; pending and paused checks have no
// score yet), and the target scores the weighted mean of its categories. Categories without a
// scored check drop out and the rest renormalise. Pure: no I/O, no clock.
import type { CheckStatus, HealthScoreView } from '../model.js';

/** Default category weights: the Kaavan seed's six, plus availability and system (docs/checks.md). */
export const DEFAULT_CATEGORY_WEIGHTS: Readonly<Record<string, number>> = {
  availability: 25,
  system: 15,
  files: 20,
  database: 20,
  cron: 15,
  disk: 15,
  logs: 15,
  backups: 15,
};

/** Weight of a category the user named on a check but gave no weight in settings.health.weights. */
export const UNLISTED_CATEGORY_WEIGHT = 10;

/** Category of each kind when the check does not name one. */
const KIND_CATEGORY: Readonly<Record<string, string>> = {
  http: 'availability',
  tcp: 'availability',
  dns: 'availability',
  tls: 'availability',
  postgres: 'database',
  files: 'files',
  cron: 'cron',
  disk: 'disk',
  logs: 'logs',
  system: 'system',
  command: 'system',
};

export function categoryOf(kind: string, explicit?: string): string {
  return explicit ?? KIND_CATEGORY[kind] ?? 'availability';
}

/** What a check contributes: up 1, degraded 0.5, down 0; null while it has no verdict. */
export function statusScore(status: CheckStatus): number | null {
  switch (status) {
    case 'up':
      return 1;
    case 'degraded':
      return 0.5;
    case 'down':
      return 0;
    default:
      return null;
  }
}

export type HealthBand = NonNullable<HealthScoreView['band']>;

/** excellent ≥ 0.9, good ≥ 0.8, fair ≥ 0.7, poor ≥ 0.6, critical below (DESIGN §2). */
export function bandOf(score: number): HealthBand {
  if (score >= 0.9) return 'excellent';
  if (score >= 0.8) return 'good';
  if (score >= 0.7) return 'fair';
  if (score >= 0.6) return 'poor';
  return 'critical';
}

/** excellent and good are NORMAL, fair and poor WARNING, critical CRITICAL. */
export function classificationOf(band: HealthBand | null): HealthScoreView['classification'] {
  if (band === 'critical') return 'CRITICAL';
  if (band === 'fair' || band === 'poor') return 'WARNING';
  return 'NORMAL';
}

export interface ScoredCheck {
  kind: string;
  /** The check's own `category`, if it names one. */
  category?: string | undefined;
  /** The check's weight within its category (default 1). */
  weight: number;
  status: CheckStatus;
}

/** The target's score and its breakdown; `weights` overrides the defaults per category. */
export function healthScore(checks: readonly ScoredCheck[], weights: Readonly<Record<string, number>> = {}): HealthScoreView {
  const byCategory = new Map<string, { sum: number; weight: number; checks: number }>();
  for (const check of checks) {
    const score = statusScore(check.status);
    if (score === null || check.weight <= 0) continue;
    const name = categoryOf(check.kind, check.category);
    const entry = byCategory.get(name) ?? { sum: 0, weight: 0, checks: 0 };
    entry.sum += score * check.weight;
    entry.weight += check.weight;
    entry.checks += 1;
    byCategory.set(name, entry);
  }
  const categories: HealthScoreView['categories'] = [];
  let total = 0;
  let totalWeight = 0;
  for (const [name, entry] of byCategory) {
    const weight = weights[name] ?? DEFAULT_CATEGORY_WEIGHTS[name] ?? UNLISTED_CATEGORY_WEIGHT;
    const score = entry.sum / entry.weight;
    categories.push({ name, weight, score, checks: entry.checks });
    if (weight <= 0) continue;
    total += score * weight;
    totalWeight += weight;
  }
  categories.sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name));
  if (totalWeight === 0) return { score: null, band: null, classification: 'NORMAL', categories };
  const score = Math.round((total / totalWeight) * 1000) / 1000;
  const band = bandOf(score);
  return { score, band, classification: classificationOf(band), categories };
}
