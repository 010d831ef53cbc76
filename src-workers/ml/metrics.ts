/**
 * Classifier metrics on scores in [0, 1] and labels in {0, 1}: ROC AUC (Mann–Whitney U with tied scores
 * counted half, as scikit-learn's roc_auc_score), the ROC curve, the confusion matrix at a threshold,
 * and the true-positive rate at a given false-positive rate.
 */
export interface RocPoint {
  threshold: number;
  fpr: number;
  tpr: number;
}

export interface Confusion {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface HeldOutMetrics {
  count: number;
  auc: number;
  accuracy: number;
  loss: number;
  confusion: Confusion;
  /** True-positive rate at 1 % false positives (1 − missed reals at FPR 1 %). */
  tprAtFpr1: number;
  roc: RocPoint[];
}

/** ROC AUC; NaN when one class is absent. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = sortedOrder(scores);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) pos++;
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  // Average ranks over ties, then U = Σ ranks of positives − pos(pos+1)/2.
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]] === 1) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function sortedOrder(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
}

/** ROC points from the highest threshold down (one per distinct score), starting at (0, 0). */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocPoint[] {
  const order = sortedOrder(scores).reverse();
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) pos++;
  const neg = labels.length - pos;
  const points: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    if (labels[order[k]] === 1) tp++;
    else fp++;
    if (k + 1 < order.length && scores[order[k + 1]] === scores[order[k]]) continue;
    points.push({ threshold: scores[order[k]], fpr: neg ? fp / neg : 0, tpr: pos ? tp / pos : 0 });
  }
  return points;
}

/** Best true-positive rate among ROC points with false-positive rate ≤ `fpr`. */
export function tprAtFpr(roc: readonly RocPoint[], fpr: number): number {
  let best = 0;
  for (const p of roc) if (p.fpr <= fpr + 1e-12 && p.tpr > best) best = p.tpr;
  return best;
}

/** Confusion matrix with class 1 predicted when score ≥ threshold [0.5]. */
export function confusion(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): Confusion {
  const c: Confusion = { threshold, tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i] === 1) {
      if (predicted) c.tp++;
      else c.fn++;
    } else if (predicted) c.fp++;
    else c.tn++;
  }
  return c;
}

/** Mean binary cross-entropy of probabilities (clipped to [1e-7, 1 − 1e-7]). */
export function meanLogLoss(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, scores[i]));
    s -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return scores.length ? s / scores.length : Number.NaN;
}

/** All held-out metrics at once; the ROC is thinned to at most `maxRocPoints` [200] for storage. */
export function heldOutMetrics(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  maxRocPoints = 200,
): HeldOutMetrics {
  const roc = rocCurve(scores, labels);
  const c = confusion(scores, labels);
  const step = Math.max(1, Math.ceil(roc.length / maxRocPoints));
  const thin = roc.filter((_, i) => i % step === 0 || i === roc.length - 1);
  return {
    count: scores.length,
    auc: rocAuc(scores, labels),
    accuracy: scores.length ? (c.tp + c.tn) / scores.length : Number.NaN,
    loss: meanLogLoss(scores, labels),
    confusion: c,
    tprAtFpr1: tprAtFpr(roc, 0.01),
    roc: thin.map((p) => ({ ...p, threshold: Number.isFinite(p.threshold) ? p.threshold : 1 })),
  };
}
