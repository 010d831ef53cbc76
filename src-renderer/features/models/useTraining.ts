import { useCallback, useEffect, useState } from 'react';
import type { ModelTask, TrainingStatus } from '../../../src-main/common/models-dto.js';
import { call } from '../../api/bridge.js';

export interface TrainingState {
  status: TrainingStatus | null;
  error: string | null;
  start: (task: ModelTask, epochs: number) => Promise<void>;
  cancel: () => Promise<void>;
}

/**
 * The training run started from the Models view: starts and cancels it, and polls its progress every
 * second while it runs; `onEnded` fires once when a run this view saw running stops (to reload the runs).
 */
export function useTraining(onEnded: () => void): TrainingState {
  const [status, setStatus] = useState<TrainingStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const running = status?.state === 'running';

  useEffect(() => {
    let live = true;
    const poll = (): void => {
      void call('owb:models.training', {}).then(
        (s) => {
          if (!live) return;
          setStatus((prev) => {
            if (prev?.state === 'running' && s.state !== 'running') onEnded();
            return s;
          });
        },
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    };
    poll();
    const timer = running ? setInterval(poll, 1000) : undefined;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [running, onEnded]);

  const start = useCallback(async (task: ModelTask, epochs: number) => {
    try {
      setStatus(await call('owb:models.train', { task, epochs }));
      setError(null);
    } catch (e) {
      setError(`not started: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, []);

  const cancel = useCallback(async () => {
    try {
      setStatus(await call('owb:models.cancelTraining', {}));
    } catch (e) {
      setError(`not cancelled: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, []);

  return { status, error, start, cancel };
}
