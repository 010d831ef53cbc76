/** Watched folders: file filter, stability and completeness checks, content-hash ingest, the watch service. */
export { FolderWatcher } from './folder-watcher.js';
export type { FolderStatus } from './folder-watcher.js';
export { Ingester } from './ingester.js';
export type { GiveUpEvent, IngestEvent, IngesterOptions } from './ingester.js';
export { isHiddenOrTemporary, wantsFile } from './file-filter.js';
export { contentHash } from './content-hash.js';
export { sqliteWatchBackend, WatchService } from './watch-service.js';
export type { WatchBackend, WatchBackendFactory, WatchServiceOptions, WatchStatus } from './watch-service.js';
