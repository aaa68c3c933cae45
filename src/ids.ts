/** A row id's shape, for PostgreSQL's `~*` too (the same syntax): text is cast to uuid only when it matches. */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const UUID = new RegExp(UUID_PATTERN, 'i');

/** Whether a string is a row id (a UUID in any case): anything else matches no row and is not queried. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
