/**
 * Public surface of the columnar source catalog: the type, the flag bits (defined once) and pure text
 * formatting (CSV, JSON, DS9 regions).
 */
export { createCatalog, selectRows, concatCatalogs, CATALOG_COLUMNS } from './catalog.js';
export type { SourceCatalog } from './catalog.js';
export { SourceFlag, flagNames, type SourceFlagName } from './flags.js';
export { outputColumns, type OutputColumn } from './columns.js';
export { catalogToCsv, catalogToJson, catalogToDs9Regions, columnsToCsv, columnsToJson, csvHeader } from './format.js';
export { csvBodyBytes } from './csv-bytes.js';
export { matchPositions } from './match.js';
