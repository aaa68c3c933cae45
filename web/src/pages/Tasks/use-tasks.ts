import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { TaskCreators } from '../../../../src/features/tasks/tasks.schemas.js';
import { useApi } from '../../api';
import type { TaskDetails, TaskPage, TaskStatus, TaskView } from '../../api-types';
import { departmentsKey } from '../Departments/use-departments';
import { membersKey } from '../Members/use-members';

/** How often a task that is being read or written is asked for again. */
export const POLL_MS = 1500;

/** The query key under which an organization's tasks are cached. */
export function tasksKey(orgId: string) {
  return ['orgs', orgId, 'tasks'] as const;
}

/** `/orgs/:orgId/tasks`, or one task's address under it. */
export function tasksPath(orgId: string, taskId?: string): string {
  const base = `/orgs/${encodeURIComponent(orgId)}/tasks`;
  return taskId ? `${base}/${encodeURIComponent(taskId)}` : base;
}

/** `/orgs/:orgId/imports/:taskId/<action>`. */
export function importPath(orgId: string, taskId: string, action: string): string {
  return `/orgs/${encodeURIComponent(orgId)}/imports/${encodeURIComponent(taskId)}/${action}`;
}

/**
 * Whether a task is still at work: its file being read, its rows being written, or confirmed and waiting
 * for the org's running import (so it cannot be deleted yet).
 */
export function isActive(task: Pick<TaskView, 'status' | 'confirmed'>): boolean {
  return (
    task.status === 'pending' ||
    task.status === 'preparing' ||
    task.status === 'running' ||
    (task.status === 'ready' && task.confirmed)
  );
}

/** The statuses a task ends in. */
export type EndedStatus = Extract<TaskStatus, 'done' | 'failed' | 'cancelled'>;

/** Whether a task has ended, with or without its rows written. */
export function hasEnded(status: TaskStatus): status is EndedStatus {
  return status === 'done' || status === 'failed' || status === 'cancelled';
}

/** One task with its first 100 problem rows, asked for again while it is at work. */
export function useTask(orgId: string, taskId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: [...tasksKey(orgId), 'one', taskId],
    queryFn: ({ signal }) => api.get<TaskDetails>(tasksPath(orgId, taskId ?? ''), undefined, signal),
    enabled: taskId !== null,
    refetchInterval: (query) => {
      const task = query.state.data?.task;
      return task && isActive(task) ? POLL_MS : false;
    },
  });
}

/** The task center's filters: kind, status, who started it, and when (`from` inclusive, `to` exclusive). */
export interface TaskFilters {
  kind?: TaskView['kind'];
  status?: TaskStatus;
  mine?: boolean;
  createdBy?: string;
  from?: string;
  to?: string;
}

/** Who started the tasks the viewer may see: the creator filter's choices. */
export function useTaskCreators(orgId: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: [...tasksKey(orgId), 'creators'],
    queryFn: ({ signal }) => api.get<TaskCreators>(`${tasksPath(orgId)}/creators`, undefined, signal),
    enabled,
  });
}

/** The address of a task's own action or file: `/orgs/:orgId/tasks/:taskId/<action>`. */
export function taskPath(orgId: string, taskId: string, action: 'cancel' | 'file'): string {
  return `${tasksPath(orgId, taskId)}/${action}`;
}

/** The task center's list, newest first, a page of 20 at a time ("Load more"); polled while a task works. */
export function useTaskList(orgId: string, filters: TaskFilters, enabled: boolean) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...tasksKey(orgId), 'list', filters],
    queryFn: ({ signal, pageParam }) =>
      api.get<TaskPage>(
        tasksPath(orgId),
        { ...filters, mine: filters.mine || undefined, cursor: pageParam ?? undefined, limit: 20 },
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some(isActive)) ? POLL_MS : false,
  });
}

/** After an import wrote members: the member table, its counts and the tree's counts load again. */
export function useMembersChanged(orgId: string): () => void {
  const queryClient = useQueryClient();
  return useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: membersKey(orgId) });
    void queryClient.invalidateQueries({ queryKey: departmentsKey(orgId) });
  }, [queryClient, orgId]);
}

/** A change to one task (start, cancel, re-read, delete): the answer replaces the cached task, lists reload. */
export function useTaskChange<V>(orgId: string, send: (values: V) => Promise<TaskDetails | undefined>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (answer) => {
      if (answer) queryClient.setQueryData([...tasksKey(orgId), 'one', answer.task.id], answer);
      void queryClient.invalidateQueries({ queryKey: tasksKey(orgId) });
    },
  });
}
