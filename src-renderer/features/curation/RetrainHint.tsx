import { Alert, Button } from '@mui/material';
import type { ReactNode } from 'react';
import { useEvent, useInvoke } from '../../api/hooks.js';
import { navigate } from '../../app/route.js';

/**
 * After enough new accept/reject labels since the active real/bogus model was trained (or with none
 * active), suggests retraining on them; the count follows every decision.
 */
export function RetrainHint(): ReactNode {
  const hint = useInvoke('owb:models.retrainHint', { task: 'realbogus' });
  useEvent('owb:labels.changed', hint.reload);
  const h = hint.data;
  if (!h?.suggest) return null;
  const since = h.active ? `since model ${h.active.name} was trained` : 'and no active real/bogus model';
  return (
    <Alert
      severity="info"
      data-testid="retrain-hint"
      action={
        <Button color="inherit" size="small" onClick={() => navigate('models')}>
          Models
        </Button>
      }
    >
      {h.newLabels} new labels {since}: retrain with <code>owb train --task realbogus --db CATALOG --out RUN</code> and
      make the run active.
    </Alert>
  );
}
