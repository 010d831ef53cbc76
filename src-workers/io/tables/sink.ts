/** Where table writers put their output, one piece at a time (a file stream, stdout, or a string in tests). */
export type TableSink = (text: string) => Promise<void> | void;

/** A sink that also takes Buffers of ASCII (BINARY2's base64 lines); `String(piece)` turns one into its text. */
export type ByteSink = (piece: string | Buffer) => Promise<void> | void;
