import { useSearchParams } from 'react-router-dom';
import type { StatusTab } from '../../api-types';
import { STATUS_TABS } from './member-rules';

/**
 * The view of Members & Departments lives in the address, so Back, Reload and a shared link show the
 * same view: the department, whether its sub-departments count, the tab, the search, the page (the
 * cursors that led to it) and the member whose details are open. Choices push a history entry; typing
 * a search replaces the current one, so Back does not walk through every keystroke.
 */
const PARAM = {
  department: 'department',
  sub: 'sub',
  tab: 'tab',
  q: 'q',
  after: 'after',
  member: 'member',
  size: 'size',
  orderSet: 'orderSet',
} as const;

/** The page sizes the table offers; the first-listed default is 50. */
export const PAGE_SIZES = [20, 50, 100] as const;

const DEFAULT_SIZE = 50;

type Change = Partial<{
  department: string | null;
  includeSub: boolean;
  tab: StatusTab;
  q: string;
  after: readonly string[];
  member: string | null;
  size: number;
  orderSet: boolean;
}>;

/** Changes that start the paging again: the cursors belong to the scope they paged. */
const RESTARTS: readonly (keyof Change)[] = ['department', 'includeSub', 'tab', 'q', 'size', 'orderSet'];

function apply(current: URLSearchParams, change: Change): URLSearchParams {
  const next = new URLSearchParams(current);
  const set = (key: string, value: string | null) => {
    if (value === null || value === '') next.delete(key);
    else next.set(key, value);
  };
  if (change.department !== undefined) set(PARAM.department, change.department);
  if (change.includeSub !== undefined) set(PARAM.sub, change.includeSub ? null : 'off');
  if (change.tab !== undefined) set(PARAM.tab, change.tab === 'all' ? null : change.tab);
  if (change.q !== undefined) set(PARAM.q, change.q);
  if (change.member !== undefined) set(PARAM.member, change.member);
  if (change.size !== undefined) set(PARAM.size, change.size === DEFAULT_SIZE ? null : String(change.size));
  if (change.orderSet !== undefined) set(PARAM.orderSet, change.orderSet ? 'true' : null);
  if (change.after !== undefined || RESTARTS.some((key) => change[key] !== undefined)) {
    next.delete(PARAM.after);
    for (const cursor of change.after ?? []) next.append(PARAM.after, cursor);
  }
  return next;
}

/** The view an address holds (its query string). */
export function viewOf(params: URLSearchParams) {
  const tab = params.get(PARAM.tab);
  const size = Number(params.get(PARAM.size));
  return {
    department: params.get(PARAM.department),
    includeSub: params.get(PARAM.sub) !== 'off',
    tab: (STATUS_TABS as readonly string[]).includes(tab ?? '') ? (tab as StatusTab) : ('all' as const),
    q: params.get(PARAM.q) ?? '',
    /** The cursors of the pages before this one, first to last: its page number is one more than their count. */
    after: params.getAll(PARAM.after),
    member: params.get(PARAM.member),
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_SIZE,
    orderSet: params.get(PARAM.orderSet) === 'true',
  };
}

export type MembersView = ReturnType<typeof viewOf>;

/** The view as the address holds it, and a way to change it. */
export function useMembersView() {
  const [params, setParams] = useSearchParams();
  const view = viewOf(params);
  // From the address as it is now, not as this render saw it: a navigation still rendering (the router
  // renders them as transitions) must not be undone by the next change.
  const change = (next: Change, options: { replace?: boolean } = {}) =>
    setParams(() => apply(new URLSearchParams(window.location.search), next), {
      replace: options.replace ?? false,
    });
  return { view, change };
}

/** The department selected in the tree, kept in the address with the rest of the view. */
export function useSelectedDepartment(): [string | null, (id: string | null) => void] {
  const { view, change } = useMembersView();
  return [view.department, (id) => change({ department: id })];
}
