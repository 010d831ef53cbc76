/** Where table writers put their output, one piece at a time (a file stream, stdout, or a string in tests). */
export type TableSink = (text: string) => Promise<void> | void;
