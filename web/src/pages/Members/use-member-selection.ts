import { useEffect, useState } from 'react';
import type { MemberSummary } from '../../api-types';

/** The member table's chosen rows and what the bulk bar does with them. */
export interface MemberSelection {
  /** The chosen rows' ids, in the order chosen. */
  keys: string[];
  /** The chosen rows, the ones on the page as now shown (their current version), the others as last seen. */
  selected: MemberSummary[];
  /** The table's onChange: `picked` holds the rows of this page; the others' keep their last copy. */
  select: (keys: string[], picked: MemberSummary[]) => void;
  /** Keeps only these (the ones a batch refused). */
  keepOnly: (ids: string[]) => void;
  clear: () => void;
  /** Every row of the page as shown is chosen: the bar then offers every member of the filter. */
  pageChosen: boolean;
  /** "Select all N matching" confirmed: the bar's action goes to every member of the filter, as a task. */
  matching: boolean;
  selectMatching: () => void;
}

/**
 * The rows chosen for the bulk bar, kept across the pages of one filter, each with the row as last seen
 * (its name for the results, its version for the request); a new `filter` starts with none.
 */
export function useMemberSelection(rows: readonly MemberSummary[], filter: string): MemberSelection {
  const [chosen, setChosen] = useState<ReadonlyMap<string, MemberSummary>>(new Map());
  const [matching, setMatching] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of the filter is what clears it
  useEffect(() => {
    setChosen(new Map());
    setMatching(false);
  }, [filter]);
  const shown = new Map(rows.map((row) => [row.id, row]));
  return {
    keys: [...chosen.keys()],
    selected: [...chosen.values()].map((member) => shown.get(member.id) ?? member),
    select: (keys, picked) => {
      // Any change of the rows chosen by hand ends "all matching".
      setMatching(false);
      // Rows of other pages come back undefined when the table keeps their keys only.
      const byId = new Map(picked.filter(Boolean).map((member) => [member.id, member]));
      setChosen(
        new Map(
          keys.flatMap((id) => {
            const member = byId.get(id) ?? chosen.get(id);
            return member ? [[id, member] as const] : [];
          }),
        ),
      );
    },
    keepOnly: (ids) => setChosen((current) => new Map([...current].filter(([id]) => ids.includes(id)))),
    clear: () => {
      setChosen(new Map());
      setMatching(false);
    },
    pageChosen: rows.length > 0 && rows.every((row) => chosen.has(row.id)),
    matching,
    selectMatching: () => setMatching(true),
  };
}
