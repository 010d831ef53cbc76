import { useCallback, useEffect, useState } from 'react';
import type { ModelRun, ModelRunDetail } from '../../../src-main/common/models-dto.js';
import { call } from '../../api/bridge.js';
import { useInvoke } from '../../api/hooks.js';

export interface ModelsState {
  runs: ModelRun[];
  loading: boolean;
  error: string | null;
  /** Runs chosen for the curves and the comparison (at most two, in the order chosen). */
  chosen: string[];
  toggle: (runId: string) => void;
  details: ModelRunDetail[];
  activate: (runId: string) => Promise<void>;
  /** Scores the catalog's unscored transient candidates with the active realbogus model. */
  scoreCandidates: () => Promise<void>;
  /** What the last scoring did, or why it could not. */
  scoreNote: string | null;
  scoring: boolean;
  reload: () => void;
}

/**
 * The workspace's training runs, the one or two chosen for curves and comparison (first: the active run,
 * else the latest), their details (with ROC), and "make active".
 */
export function useModels(): ModelsState {
  const list = useInvoke('owb:models.runs', {});
  const runs = list.data ?? [];
  const [chosen, setChosen] = useState<string[]>([]);
  const [details, setDetails] = useState<ModelRunDetail[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [scoreNote, setScoreNote] = useState<string | null>(null);
  const [scoring, setScoring] = useState(false);

  useEffect(() => {
    if (chosen.length || !list.data?.length) return;
    const first = list.data.find((r) => r.active) ?? list.data[list.data.length - 1];
    setChosen([first.id]);
  }, [list.data, chosen.length]);

  useEffect(() => {
    let live = true;
    void Promise.all(chosen.map((runId) => call('owb:models.run', { runId }))).then(
      (d) => live && setDetails(d),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [chosen, list.data]);

  const toggle = useCallback((runId: string) => {
    setChosen((c) => (c.includes(runId) ? c.filter((id) => id !== runId) : [...c, runId].slice(-2)));
  }, []);

  const activate = useCallback(
    async (runId: string) => {
      try {
        await call('owb:models.activate', { runId });
        setError(null);
        list.reload();
      } catch (e) {
        setError(`not made active: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    [list],
  );

  const scoreCandidates = useCallback(async () => {
    setScoring(true);
    try {
      const r = await call('owb:models.scoreCandidates', {});
      setScoreNote(
        `${r.scored} candidates scored by ${r.modelVersion}` +
          (r.skipped ? `; ${r.skipped} skipped (frames unreadable)` : ''),
      );
    } catch (e) {
      setScoreNote(`not scored: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setScoring(false);
    }
  }, []);

  return {
    runs,
    scoreCandidates,
    scoreNote,
    scoring,
    loading: list.loading,
    error: error ?? (list.error ? `${list.error.code}: ${list.error.message}` : null),
    chosen,
    toggle,
    details,
    activate,
    reload: list.reload,
  };
}
