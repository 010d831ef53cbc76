/** DTOs of the `live-stack` task: add one light to a watched folder's running stack, kept in a FITS file. */
export interface LiveStackInput {
  framePath: string;
  /** The stack's reference frame (the first light of its group); frames are registered onto it. */
  referencePath: string;
  /** Running stack file: HDU 0 the mean, HDU 1 the coverage (frames per pixel), NFRAMES and LASTFRM keywords. */
  statePath: string;
  /** Frames the catalog says the stack holds; a state file with one more, ending in `frameId`, already has it. */
  expectedFrames: number;
  frameId: number;
}

export interface LiveStackOutput {
  /** False when the frame could not be registered (the stack is unchanged). */
  included: boolean;
  /** The state file already held this frame (a crash between writing it and committing the job). */
  alreadyIncluded: boolean;
  frames: number;
  method?: 'reference' | 'stars' | 'phase';
  rmsPx?: number;
  reason?: string;
}
