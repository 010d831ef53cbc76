/** Catalogs people bring: read (VOTable, ECSV, FITS, CSV), columns found by UCD then name, cross-matched. */
export { readReferenceTable } from './read-table.js';
export { referenceList, sexagesimal, type ReferenceChoice, type ReferenceList } from './columns.js';
export { crossMatchReference, type ReferenceMatch } from './cross-match.js';
export type { Cell, RefColumn, RefTable } from './table.js';
