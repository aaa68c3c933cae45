import type { ImportFile, SheetRow } from '../../src/features/imports/import.read.js';

/** A file opened for an import, read to its end: how it was read, its header and every data row. */
export async function readAll(
  opening: Promise<ImportFile>,
): Promise<Omit<ImportFile, 'batches'> & { rows: SheetRow[] }> {
  const { batches, ...file } = await opening;
  const rows: SheetRow[] = [];
  for await (const batch of batches(1000)) rows.push(...batch);
  return { ...file, rows };
}
