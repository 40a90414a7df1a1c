// The cards view: one card per target, targets with problems first, each card's checks problems
// first. The header links to the target's page and pauses or resumes the whole target.
import { memo, useState } from 'react';
import type { CheckView } from '../../../../src-main/core/model';
import type { TargetGroup } from '../../state/dashboard-view';
import { Icon } from '../icons';
import { StatusBadge, STATUS_META } from '../status';
import { plural } from '../../lib/format';
import { CardCheckRow, type RowContext } from './CheckRows';

export function CardsView({ groups, selected, ctx }: { groups: TargetGroup[]; selected: ReadonlySet<number>; ctx: RowContext }) {
  if (groups.length === 0) return <p className="card card-empty">No probe matches these filters.</p>;
  return (
    <div className="card-grid dash-cards">
      {groups.map((g) => (
        <TargetCard key={g.target.id} group={g} selected={selected} ctx={ctx} />
      ))}
    </div>
  );
}

/** A card shows its first checks (problems first); the rest on demand, so 2,000 checks stay light. */
const CARD_LIMIT = 8;

const TargetCard = memo(function TargetCard({ group, selected, ctx }: { group: TargetGroup; selected: ReadonlySet<number>; ctx: RowContext }) {
  const { target, checks, hidden } = group;
  const tone = STATUS_META[target.status].tone;
  const headingId = `target-${target.id}`;
  const [busy, setBusy] = useState(false);
  const [expanded, setExpanded] = useState(false);
  const shown = expanded ? checks : checks.slice(0, CARD_LIMIT);
  const allPaused = target.checks.length > 0 && target.checks.every((c) => !c.enabled);
  const toggleTarget = async () => {
    setBusy(true);
    await ctx.actions.setTargetEnabled(target, allPaused);
    setBusy(false);
  };
  const allSelected = checks.length > 0 && checks.every((c) => selected.has(c.id));
  return (
    <article className={`card target-card dash-target edge-${tone}`} aria-labelledby={headingId} data-testid="target-card" data-target={target.name} data-status={target.status}>
      <header className="target-header">
        <div className="target-title">
          {checks.length > 0 && (
            <input
              type="checkbox"
              className="dash-select"
              checked={allSelected}
              onChange={(e) => checks.forEach((c: CheckView) => ctx.onSelect(c.id, e.target.checked))}
              aria-label={`Select every probe of ${target.name}`}
            />
          )}
          <h2 id={headingId}>
            <a href={`#/targets/${target.id}`} data-testid="target-link">
              {target.name}
            </a>
          </h2>
          {target.tags.length > 0 && (
            <ul className="tags" aria-label="Tags">
              {target.tags.map((tag) => (
                <li key={tag} className="tag">
                  {tag}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="dash-target-side">
          <StatusBadge status={target.status} testId="target-status" />
          {target.checks.length > 0 && (
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              onClick={toggleTarget}
              disabled={busy}
              aria-label={`${allPaused ? 'Resume' : 'Pause'} every probe of ${target.name}`}
              data-testid={allPaused ? 'resume-target' : 'pause-target'}
            >
              <Icon name={allPaused ? 'play' : 'pause'} size={14} />
              <span className="dash-hide-narrow">{allPaused ? 'Resume all' : 'Pause all'}</span>
            </button>
          )}
        </div>
      </header>
      {target.checks.length === 0 ? (
        <p className="card-empty">
          Nothing is probed here yet. <a href={`#/targets?add=check&target=${encodeURIComponent(target.name)}`}>Add a check</a>.
        </p>
      ) : (
        <ul className="check-list">
          {shown.map((c) => (
            <CardCheckRow key={c.id} check={c} selected={selected.has(c.id)} ctx={ctx} />
          ))}
        </ul>
      )}
      {checks.length > CARD_LIMIT && (
        <button type="button" className="btn btn-ghost btn-sm dash-more" onClick={() => setExpanded((e) => !e)} aria-expanded={expanded} data-testid="show-more">
          {expanded ? 'Show fewer' : `Show ${plural(checks.length - CARD_LIMIT, 'more probe')}`}
        </button>
      )}
      {hidden > 0 && <p className="dash-hidden muted">{plural(hidden, 'more probe')} hidden by the filters</p>}
    </article>
  );
});
