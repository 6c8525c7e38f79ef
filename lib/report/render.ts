import { formatBytes } from '../cost/index.ts';
import { describeLearningCurve } from '../proxy/index.ts';
import { policyKind, type PolicySpec } from '../select/index.ts';
import type { ReportData } from './data.ts';
import { workflowDiagram, type DiagramStep } from './diagram.ts';
import {
  barChart,
  budgetBars,
  escapeXml,
  extent,
  formatCompact,
  formatNumber,
  palette,
  scatterPlot,
  stackedHistogram,
} from './svg.ts';

/** A manifest number on the page: its raw value in `data-value`, its path in `data-manifest`, formatted as text. */
function num(path: string, value: number, text = formatNumber(value)): string {
  return `<span class="num" data-manifest="${escapeXml(path)}" data-value="${value}">${escapeXml(text)}</span>`;
}

function pct(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}

function seconds(s: number | undefined): string {
  if (s === undefined) return 'time not recorded';
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  return `${(s / 60).toFixed(1)} min`;
}

function table(head: string[], rows: string[][], cls = ''): string {
  return (
    `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

function stageSeconds(data: ReportData, ...stages: string[]): number | undefined {
  const list = data.run?.stages.filter((s) => stages.includes(s.stage));
  if (!list || list.length === 0) return undefined;
  return list.reduce((a, s) => a + s.seconds, 0);
}

/** The unit every loss of the run is in, as axis labels and figures say it. */
function lossUnitLabel(unit: 'token' | 'byte'): string {
  return unit === 'byte' ? 'nats/byte' : 'nats/token';
}

/** The policy as the report names it: its kind, the kind's own parameters (its module's label), fill and lambda. */
function policyLabel(policy: PolicySpec): string {
  const extra = [...policyKind(policy.kind).label(policy)];
  if (policy.fill === 'always') extra.push('fill always');
  if (policy.lambda !== 0) extra.push(`lambda ${String(policy.lambda)}`);
  return extra.length ? `${policy.kind} (${extra.join(', ')})` : policy.kind;
}

function workflow(data: ReportData): string {
  const m = data.manifest;
  const refShare = m.corpus.tokens > 0 ? m.reference.tokens / m.corpus.tokens : 0;
  const budgetLabel = m.budget.unit === 'docs' ? `${formatCompact(m.budget.docs ?? 0)} docs` : `${formatCompact(m.budget.tokens ?? 0)} tokens`;
  const steps: DiagramStep[] = [
    {
      id: 'corpus',
      title: 'Corpus',
      lines: [`${formatCompact(m.corpus.docs)} documents`, `${formatBytes(m.corpus.textBytes)} of text`, `~${formatCompact(m.corpus.tokens)} tokens (est.)`, `${m.corpus.shards} shards, ${m.corpus.items} items`],
      cost: `plan: ${seconds(stageSeconds(data, 'plan'))}`,
    },
    {
      id: 'sample',
      title: 'Random sample',
      lines: [`${formatCompact(m.sample.docs)} documents`, `${pct(m.corpus.docs ? m.sample.docs / m.corpus.docs : 0, 2)} of the corpus`, `seed ${m.sample.seed}`],
      cost: `read once: ${seconds(stageSeconds(data, 'sample'))}`,
    },
    {
      id: 'reference',
      title: 'Large-model reference',
      lines: [`${m.reference.kind} model`, `${formatCompact(m.reference.docs)} docs, ${formatCompact(m.reference.tokens)} tokens`, `${pct(refShare, 2)} of corpus tokens`, m.proxy.lossUnit === 'byte' ? `mean loss ${m.reference.meanLossPerByte.toFixed(3)} nats/byte` : `mean loss ${m.reference.meanLoss.toFixed(3)} nats/token`],
      cost: `large model: ${seconds(stageSeconds(data, 'reference'))}`,
      emphasis: true,
    },
    {
      id: 'fit',
      title: 'Proxy fit',
      lines: [`${m.proxy.members}-member ensemble`, `target: ${m.proxy.target} per ${m.proxy.lossUnit}`, `held-out Spearman ${m.proxy.fidelity.spearman.toFixed(3)}`, `top-k agreement ${pct(m.proxy.fidelity.topKAgreement)}`],
      cost: `fit: ${seconds(stageSeconds(data, 'fit'))}`,
    },
    {
      id: 'score',
      title: 'Score every document',
      lines: [`${formatCompact(m.corpus.docs)} documents`, `by the proxy (ONNX, CPU)`, `${m.corpus.badRecords.count} bad records skipped`],
      cost: `proxy: ${seconds(stageSeconds(data, 'score'))}`,
    },
    {
      id: 'policy',
      title: 'Policy and threshold',
      lines: [
        policyLabel(m.policy),
        `budget ${budgetLabel}`,
        m.selected.tokenCount === 'exact' ? `cut by exact counts` : `cut on estimated tokens`,
        m.selected.countPasses > 1 ? `in ${m.selected.countPasses} passes` : `of the boundary region`,
      ],
      cost: `reduce + count: ${seconds(stageSeconds(data, 'reduce', 'count'))}`,
    },
    {
      id: 'selection',
      title: 'Selection',
      lines: [
        `${formatCompact(m.selected.docs)} documents`,
        `${formatCompact(m.selected.tokens)} ${m.selected.tokenCount === 'exact' ? 'real' : 'estimated'} tokens`,
        `${pct(m.selected.budgetFill, 2)} of budget`,
        `${pct(m.selected.shareOfCorpusTokens)} of corpus tokens`,
      ],
      cost: `select + finalize: ${seconds(stageSeconds(data, 'select', 'finalize'))}`,
    },
  ];
  return workflowDiagram(steps);
}

function scoreDistribution(data: ReportData): string {
  const { score, tokens, selected } = data.scored;
  const finite = score.filter(Number.isFinite);
  const [lo, hi] = extent(finite);
  const bins = 60;
  const width = (hi - lo) / bins || 1;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const sel = new Array<number>(bins).fill(0);
  const rest = new Array<number>(bins).fill(0);
  let minSel = Infinity;
  let maxSel = -Infinity;
  for (let i = 0; i < score.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((score[i]! - lo) / width)));
    if (selected[i]) {
      sel[b]! += tokens[i]!;
      minSel = Math.min(minSel, score[i]!);
      maxSel = Math.max(maxSel, score[i]!);
    } else rest[b]! += tokens[i]!;
  }
  const kind = policyKind(data.threshold.policy.kind);
  const markers = [];
  if (kind.thresholdAt === 'highest' && Number.isFinite(maxSel)) markers.push({ at: maxSel, label: 'threshold' });
  else if (kind.thresholdAt === 'lowest' && Number.isFinite(minSel)) markers.push({ at: minSel, label: 'threshold' });
  if (kind.bandTopCut && Number.isFinite(maxSel)) markers.push({ at: maxSel, label: 'band top cut' });
  const note = data.scored.itemsRead < data.scored.itemsTotal ? ` (${data.scored.itemsRead} of ${data.scored.itemsTotal} items)` : '';
  return stackedHistogram({
    name: 'score-distribution',
    title: `Predicted score distribution${note}`,
    edges,
    selected: sel,
    rest,
    xLabel: `predicted ${data.card.target === 'reducible' ? 'reducible loss' : 'reference loss'} (${lossUnitLabel(data.card.lossUnit)})`,
    yLabel: 'tokens',
    markers,
  });
}

function heldOutScatter(data: ReportData): string {
  const h = data.heldOut;
  if (!h || h.reference.length === 0) return '<p class="missing">No held-out predictions were recorded for this run.</p>';
  return scatterPlot({
    name: 'proxy-vs-reference',
    title: 'Proxy vs reference on the held-out split',
    points: h.reference.map((r, i) => ({ x: r, y: h.predicted[i]! })),
    xLabel: `reference (large model), ${lossUnitLabel(data.card.lossUnit)}`,
    yLabel: `proxy prediction, ${lossUnitLabel(data.card.lossUnit)}`,
    diagonal: true,
    note: `Spearman ${data.manifest.proxy.fidelity.spearman.toFixed(3)}, n = ${h.reference.length}`,
  });
}

function spreadVsError(data: ReportData): string {
  const h = data.heldOut;
  if (!h || h.reference.length === 0) return '<p class="missing">No held-out predictions were recorded for this run.</p>';
  return scatterPlot({
    name: 'spread-vs-error',
    title: 'Ensemble spread vs absolute error (held-out)',
    points: h.spread.map((s, i) => ({ x: s, y: Math.abs(h.predicted[i]! - h.reference[i]!) })),
    xLabel: 'ensemble spread (std of members)',
    yLabel: '|proxy - reference|',
  });
}

function budgetFill(data: ReportData): string {
  const m = data.manifest;
  const docs = m.budget.unit === 'docs';
  const budget = (docs ? m.budget.docs : m.budget.tokens) ?? 0;
  if (docs) return budgetBars({ name: 'budget-fill', title: 'Budget fill', budget, unit: 'documents', bars: [{ label: 'selected', value: m.selected.docs }] });
  const exact = m.selected.tokenCount === 'exact';
  const bars: { label: string; value: number; estimate?: boolean }[] = [
    { label: `selected, ${exact ? 'real (counted) tokens' : 'estimated tokens'}`, value: m.selected.tokens, estimate: !exact },
  ];
  if (exact) {
    bars.push({ label: 'selected, as the token model estimated them', value: m.selected.estimatedTokens, estimate: true });
    const only = m.selected.estimateOnly;
    if (only.tokens !== null) {
      bars.push({ label: 'filling on estimates alone: estimated', value: only.estimatedTokens, estimate: true });
      bars.push({ label: 'filling on estimates alone: real', value: only.tokens });
    }
  }
  return budgetBars({ name: 'budget-fill', title: 'Budget fill: estimate vs exact', budget, unit: 'tokens', bars });
}

function perShard(data: ReportData): string {
  return barChart({
    name: 'tokens-per-shard',
    title: 'Tokens per work item: corpus and selected',
    labels: data.items.map((i) => i.item),
    series: [
      { name: 'corpus', color: palette.other, values: data.items.map((i) => i.tokens) },
      { name: 'selected', color: palette.selected, values: data.items.map((i) => i.selectedTokens) },
    ],
    yLabel: 'tokens',
  });
}

function composition(data: ReportData): string {
  const cats = data.scored.category;
  if (!cats) return '<p class="missing">No labels file in the job spec (<code>labels</code>): composition by category is not shown.</p>';
  const corpus = new Map<string, number>();
  const chosen = new Map<string, number>();
  let corpusTotal = 0;
  let chosenTotal = 0;
  cats.forEach((c, i) => {
    const key = c ?? '(unlabelled)';
    const t = data.scored.tokens[i]!;
    corpus.set(key, (corpus.get(key) ?? 0) + t);
    corpusTotal += t;
    if (data.scored.selected[i]) {
      chosen.set(key, (chosen.get(key) ?? 0) + t);
      chosenTotal += t;
    }
  });
  const labels = [...corpus.keys()].sort();
  return barChart({
    name: 'composition',
    title: 'Composition by category (share of tokens)',
    labels,
    series: [
      { name: 'corpus', color: palette.other, values: labels.map((l) => (corpusTotal ? (corpus.get(l) ?? 0) / corpusTotal : 0)) },
      { name: 'selection', color: palette.selected, values: labels.map((l) => (chosenTotal ? (chosen.get(l) ?? 0) / chosenTotal : 0)) },
    ],
    yLabel: 'share of tokens',
    valueFormat: (v) => pct(v, 0),
    tickFormat: (v) => pct(v, 0),
  });
}

function keyNumbers(data: ReportData): string {
  const m = data.manifest;
  const f = m.proxy.fidelity;
  const rows: string[][] = [
    ['Corpus documents', num('corpus.docs', m.corpus.docs)],
    [`Corpus tokens (${m.corpus.tokenCount === 'exact' ? 'exact' : 'estimated'})`, num('corpus.tokens', m.corpus.tokens)],
    ['Bad records skipped', num('corpus.badRecords.count', m.corpus.badRecords.count)],
    ['Sample documents', num('sample.docs', m.sample.docs)],
    ['Reference documents', num('reference.docs', m.reference.docs)],
    ['Reference tokens', num('reference.tokens', m.reference.tokens)],
    ['Reference mean loss (nats/token)', num('reference.meanLoss', m.reference.meanLoss)],
    ['Reference mean loss (nats/byte)', num('reference.meanLossPerByte', m.reference.meanLossPerByte)],
    ['Loss unit of the proxy and policy', escapeXml(m.proxy.lossUnit)],
    ['Selected documents', num('selected.docs', m.selected.docs)],
    [`Selected tokens (${m.selected.tokenCount === 'exact' ? 'exact' : 'estimated'})`, num('selected.tokens', m.selected.tokens)],
    ['Selected tokens (estimated by the token model)', num('selected.estimatedTokens', m.selected.estimatedTokens)],
    ['Budget fill', num('selected.budgetFill', m.selected.budgetFill)],
  ];
  if (m.budget.tokens !== null) rows.splice(9, 0, ['Budget (tokens)', num('budget.tokens', m.budget.tokens)]);
  if (m.budget.docs !== null) rows.splice(9, 0, ['Budget (documents)', num('budget.docs', m.budget.docs)]);
  const fidelity: string[][] = [
    ['Held-out Spearman', num('proxy.fidelity.spearman', f.spearman)],
    ['Held-out Pearson', num('proxy.fidelity.pearson', f.pearson)],
    ['Held-out R²', num('proxy.fidelity.r2', f.r2)],
    [`Top-k agreement (k = ${pct(f.topKFraction)} of the held-out split)`, num('proxy.fidelity.topKAgreement', f.topKAgreement)],
    ['Held-out documents', num('proxy.fidelity.heldOut', f.heldOut)],
    ...(m.proxy.trainedOnLabels !== undefined
      ? [['Labels the deployed proxy trained on (fidelity: measured without the held-out ones)', num('proxy.trainedOnLabels', m.proxy.trainedOnLabels)] as [string, string]]
      : []),
    ['Token model error, per document (held-out)', num('proxy.tokenEstimates.heldOut.meanAbsRelError', m.proxy.tokenEstimates.heldOut.meanAbsRelError)],
    ['Token model error, total (held-out)', num('proxy.tokenEstimates.heldOut.totalRelError', m.proxy.tokenEstimates.heldOut.totalRelError)],
    ...m.proxy.tokenEstimates.byPolicy.map((p, i): [string, string] => [
      `Token model error, total on the held-out ${p.policy} selection`,
      num(`proxy.tokenEstimates.byPolicy.${i}.totalRelError`, p.totalRelError),
    ]),
    ['Single tokens/byte ratio error, per document (held-out)', num('proxy.tokenEstimates.singleRatio.heldOut.meanAbsRelError', m.proxy.tokenEstimates.singleRatio.heldOut.meanAbsRelError)],
  ];
  const curve = m.proxy.learningCurve;
  curve?.points.forEach((p, i) => {
    fidelity.push([`Held-out Spearman, ${pct(p.fraction, 0)} of the labels (${formatNumber(p.labels)})`, num(`proxy.learningCurve.points.${i}.spearman`, p.spearman)]);
  });
  const labelsNote = curve ? `<p class="${curve.moreLabelsHelp ? 'warn' : 'sub'}">Label budget: ${escapeXml(describeLearningCurve(curve))}.</p>` : '';
  const warn =
    f.spearman < data.card.minSpearman
      ? `<p class="warn">Held-out Spearman ${f.spearman.toFixed(3)} is below the floor ${data.card.minSpearman}: the proxy ranks documents unlike the reference model.</p>`
      : '';
  return (
    `<div class="cols"><section><h2>The run in numbers</h2>${table(['', ''], rows, 'numbers')}</section>` +
    `<section><h2>Proxy fidelity</h2>${warn}${table(['', ''], fidelity, 'numbers')}${labelsNote}</section></div>`
  );
}

function timings(data: ReportData): string {
  if (!data.run) return '<p class="missing">No run.json: per-stage timings were not recorded (cloud runs keep them in Step Functions).</p>';
  const total = data.run.stages.reduce((a, s) => a + s.seconds, 0);
  const rows = data.run.stages.map((s) => [escapeXml(s.stage), seconds(s.seconds), pct(total ? s.seconds / total : 0), escapeXml(s.detail)]);
  rows.push(['<b>total</b>', `<b>${seconds(total)}</b>`, '', data.run.workers !== undefined ? `${data.run.workers} worker(s)` : '']);
  return table(['stage', 'time', 'share', 'what'], rows);
}

function badRecords(data: ReportData): string {
  const bad = data.manifest.corpus.badRecords;
  if (bad.count === 0) return '<p>No bad records.</p>';
  const byFile = new Map<string, typeof bad.examples>();
  for (const e of bad.examples) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  const rows = [...byFile.entries()].map(([file, list]) => [
    `<code>${escapeXml(file)}</code>`,
    String(list.length),
    list
      .slice(0, 3)
      .map((e) => escapeXml(e.message))
      .join('<br>'),
  ]);
  const reasons = Object.entries(bad.byReason)
    .map(([r, c]) => `${escapeXml(r)}: ${c}`)
    .join(', ');
  return `<p>${num('corpus.badRecords.count', bad.count)} bad records (${reasons}); skipped and counted, first examples by file:</p>` + table(['file', 'examples', 'first lines'], rows);
}

/**
 * The verdict the report opens with, from the rules alone (no labels needed): the share of the selection's tokens and of
 * the corpus's that fail any quality rule, a warning when the selection is worse, and the shortfall when the budget
 * was not filled.
 */
function verdict(data: ReportData): string {
  const q = data.manifest.quality;
  const sel = q.selectionFailing.tokenShare;
  const corpus = q.corpusFailing.tokenShare;
  const rulesLine =
    q.mode === 'filter'
      ? `${pct(sel)} of the selection's tokens fail a quality rule, against ${pct(corpus)} of the corpus's (${q.rules.length} rules applied as filters).`
      : 'Quality rules are off in the spec (rules.enabled false): nothing was checked for spam, boilerplate or gibberish before the proxy ranked the documents.';
  const warn =
    q.verdict === 'worse'
      ? `<p class="warn">WARNING: the selection fails the quality rules more often than the corpus does: it is likely to hold more noise (spam, boilerplate, gibberish) than a random sample would.</p>`
      : '';
  const short = data.manifest.selected.shortfall;
  const shortLine = short
    ? `<p class="notice">Budget not filled: ${pct(short.share)} of it (${formatCompact(short.amount)} ${data.manifest.budget.unit}) left unspent. ${escapeXml(short.reason)}</p>`
    : '';
  const ex = q.excluded;
  const untrusted = ex.untrusted.docs > 0 ? ` ${num('quality.excluded.untrusted.docs', ex.untrusted.docs)} document(s) with a prediction the proxy cannot vouch for (outside the labelled range, or an outlying ensemble spread) were left out.` : '';
  return `<p class="verdict">${rulesLine}${untrusted}</p>${warn}${shortLine}`;
}

function qualityRules(data: ReportData): string {
  const q = data.manifest.quality;
  const tokens = data.manifest.corpus.tokenCount === 'exact' ? 'tokens' : 'tokens (estimated)';
  const head =
    `<p>${q.mode === 'filter' ? 'Applied as filters' : 'Off in the spec: none evaluated'}: ${q.rules.length} rules. ` +
    `${num('quality.corpusFailing.docs', q.corpusFailing.docs)} documents (${pct(q.corpusFailing.tokenShare)} of the ${tokens}) fail at least one. ` +
    `A document failing several counts in each row. Left out by the policy: rules ${formatNumber(q.excluded.rules.docs)}, ` +
    `untrusted predictions ${formatNumber(q.excluded.untrusted.docs)}, outside the band ${formatNumber(q.excluded.band.docs)}, length filters ${formatNumber(q.excluded.filters.docs)} documents (before deduplication).</p>`;
  const rows = q.byRule.map((r) => [
    `<code>${escapeXml(r.rule)}</code>`,
    escapeXml(r.source),
    formatNumber(r.docs),
    formatCompact(r.tokens),
    r.examples.map((e) => `<code>${escapeXml(e)}</code>`).join(' '),
  ]);
  return head + (rows.length ? table(['rule', 'source', 'documents', tokens, 'examples'], rows) : '<p class="missing">No document failed a rule.</p>');
}

function duplicates(data: ReportData): string {
  const d = data.manifest.dedup;
  if (!d) return '<p class="missing">Deduplication was off (dedup.kind "none").</p>';
  const tokens = d.tokensEstimated ? 'tokens (estimated)' : 'tokens';
  const head =
    `<p>${escapeXml(d.kind)} deduplication over ${num('dedup.partitions', d.partitions)} partitions: ${num('dedup.pairs', d.pairs)} verified pairs in ` +
    `${num('dedup.clusters', d.clusters)} clusters; removed ${num('dedup.docsRemoved', d.docsRemoved)} documents and ` +
    `${num('dedup.tokensRemoved', d.tokensRemoved, formatCompact(d.tokensRemoved))} ${tokens}, keeping in each cluster the copy the policy ranks best. ` +
    `${num('dedup.guarded.clusters', d.guarded.clusters)} cluster(s) were verified pairwise against kept representatives.</p>`;
  const rows = d.largest.map((c) => [
    String(c.docs),
    String(c.removed),
    `<code>${escapeXml(c.kept)}</code>`,
    c.example ? `<code>${escapeXml(c.example)}</code>` : '',
    c.jaccard === null ? '' : c.jaccard.toFixed(3),
    c.guard ?? '',
  ]);
  return head + (rows.length ? table(['documents', 'removed', 'kept', 'a removed copy', 'Jaccard to kept', 'guard'], rows) : '');
}

const css = `
body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:${palette.ink};margin:0;background:#f7f8fa}
main{max-width:1240px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
.sub{color:${palette.muted};margin:0 0 16px}
.headline{font-size:16px;background:#fff;border-left:4px solid ${palette.selected};padding:10px 14px;margin:12px 0}
.card{background:#fff;border:1px solid ${palette.grid};border-radius:8px;padding:12px 16px;margin:12px 0;overflow-x:auto}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:12px}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid ${palette.grid};vertical-align:top}
table.numbers td:last-child{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#fff;border:1px solid ${palette.grid};padding:12px;overflow:auto;font-size:12px}
svg text{font-family:inherit}.tick{font-size:10px;fill:${palette.muted}}.axis{font-size:11px;fill:${palette.ink}}
.note{font-size:11px}.step-title{font-size:13px;font-weight:600;fill:${palette.ink}}.step-line{font-size:11px;fill:${palette.ink}}.step-cost{font-size:11px;font-weight:600}
.warn{color:#b42318;font-weight:600}.notice{background:#fff8e6;border-left:4px solid #d99a00;padding:8px 14px;margin:8px 0}.missing{color:${palette.muted};font-style:italic}
figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
`;

/** The report as one self-contained HTML page: inline CSS and SVG, no scripts, no network. */
export function renderReport(data: ReportData): string {
  const m = data.manifest;
  const refShare = m.corpus.tokens > 0 ? m.reference.tokens / m.corpus.tokens : 0;
  const figure = (caption: string, body: string) => `<figure class="card"><figcaption>${escapeXml(caption)}</figcaption>${body}</figure>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>proxysel report: ${escapeXml(m.name)}</title><style>${css}</style></head>
<body><main>
<h1>proxysel report: ${escapeXml(m.name)}</h1>
<p class="sub">spec ${escapeXml(m.specHash)} · policy ${escapeXml(policyLabel(m.policy))} · output <code>${escapeXml(data.output)}</code></p>
<p class="headline">Selected ${num('selected.docs', m.selected.docs, formatCompact(m.selected.docs))} documents
(${formatCompact(m.selected.tokens)} ${m.selected.tokenCount === 'exact' ? 'real' : 'estimated'} tokens, ${pct(m.selected.budgetFill, 2)} of the budget) from ${formatCompact(m.corpus.docs)} documents.
The large model read only ${pct(refShare, 2)} of the corpus's tokens; a ${m.proxy.members}-member proxy scored the rest
(held-out Spearman ${m.proxy.fidelity.spearman.toFixed(3)}).</p>
${verdict(data)}
<section class="card"><h2>The workflow, with this run's numbers</h2>${workflow(data)}</section>
${keyNumbers(data)}
<h2>Plots</h2>
<div class="grid">
${figure('Predicted scores; selected tokens shaded', scoreDistribution(data))}
${figure('Proxy vs large-model reference, held-out split', heldOutScatter(data))}
${figure('Budget fill', budgetFill(data))}
${figure('Tokens per work item', perShard(data))}
${figure('Composition of the selection vs the corpus', composition(data))}
${figure('Ensemble spread vs error', spreadVsError(data))}
</div>
<h2>Quality rules</h2><div class="card">${qualityRules(data)}</div>
<h2>Duplicates removed</h2><div class="card">${duplicates(data)}</div>
<h2>Per-stage timings</h2><div class="card">${timings(data)}</div>
<h2>Bad records</h2><div class="card">${badRecords(data)}</div>
<h2>Job spec as run</h2><pre>${escapeXml(JSON.stringify(data.plan.spec, null, 2))}</pre>
</main></body></html>
`;
}
