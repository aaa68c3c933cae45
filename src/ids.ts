const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a row id (a UUID in any case): anything else matches no row and is not queried. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
