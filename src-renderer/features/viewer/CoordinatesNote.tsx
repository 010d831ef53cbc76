import { Box, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import type { FrameDetail } from '../../../src-main/common/workbench-dto.js';

/**
 * The frame info panel's line on what the frame lacks: "No sky coordinates: <reason>" when its header (or
 * plate solution) gives no celestial WCS, and the catalog's note on its times (e.g. why there is no
 * BJD_TDB). Renders nothing when neither is missing, so a well-described frame shows no extra line.
 */
export function CoordinatesNote({ coordinates }: { coordinates?: FrameDetail['coordinates'] }): ReactNode {
  if (!coordinates || (!coordinates.skyReason && !coordinates.timeNote)) return null;
  return (
    <Box data-testid="coordinates-note" sx={{ mb: 1 }}>
      {coordinates.skyReason && (
        <Typography variant="body2" color="warning.main" data-testid="sky-reason">
          No sky coordinates: {coordinates.skyReason}
        </Typography>
      )}
      {coordinates.timeNote && (
        <Typography variant="body2" color="text.secondary" data-testid="time-note">
          Times: {coordinates.timeNote}
        </Typography>
      )}
    </Box>
  );
}
