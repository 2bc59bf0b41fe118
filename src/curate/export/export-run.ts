import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import { sha256 } from '../../core/hash.ts';
import { getCuration, keptSampleIds } from '../../store/curate-queries.ts';
import type { Store } from '../../store/store.ts';
import type { CurationSummary } from '../curation-summary.ts';
import { writeDirAtomically } from './atomic-dir.ts';
import { buildCroissant } from './croissant.ts';
import { PROVENANCE_FILE } from './croissant-record-sets.ts';
import { renderDatasetCard } from './dataset-card.ts';
import { addToStats, type ExportStats, emptyExportStats } from './export-stats.ts';
import { ParquetRows } from './parquet-file.ts';
import { type ExportFormat, type ExportStyle, provenanceRecord, trainingRecord } from './records.ts';
import { checkTermsGate } from './terms-gate.ts';

export interface ExportRunOptions {
  outDir: string;
  /** Defaults to `jsonl`. */
  format?: ExportFormat;
  /** Defaults to `messages`. */
  style?: ExportStyle;
  /** Export samples whose teacher terms say `notAllowed` (the card says so). Defaults to false. */
  acceptTermsRisk?: boolean;
  /** Dataset name on the card. Defaults to the run name. */
  name?: string;
  signal?: AbortSignal;
}

/** One written file of an export. */
export interface ExportedFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ExportResult {
  outDir: string;
  runId: string;
  format: ExportFormat;
  style: ExportStyle;
  rows: number;
  files: ExportedFile[];
  stats: ExportStats;
  termsRiskAccepted: boolean;
}

/**
 * Export a curated run's kept samples: `train.jsonl` or `train.parquet`, `provenance/samples.jsonl` (one
 * provenance record per row, same order), the dataset card `README.md` and `croissant.json`. The folder is written
 * atomically. Samples whose terms say `notAllowed` make the export fail with TermsRiskError unless accepted.
 */
export async function exportRun(
  store: Store,
  runIdOrName: string,
  options: ExportRunOptions,
): Promise<ExportResult> {
  const run = store.requireRun(runIdOrName);
  const curation = getCuration(store.db, run.id);
  if (!curation)
    throw new NotFoundError('curation', `Run '${run.name}' has not been curated`, {
      hint: `run \`distill curate ${run.name}\` first`,
    });
  const format = options.format ?? 'jsonl';
  const style = options.style ?? 'messages';
  const accept = options.acceptTermsRisk ?? false;
  const kept = keptSampleIds(store.db, run.id);
  if (kept.size === 0)
    throw new InvalidInputError(`Run '${run.name}' has no kept samples to export`, {
      hint: `see \`distill curate ${run.name}\` for why every sample was dropped (or curate with --keep all)`,
    });
  const dataFile = format === 'jsonl' ? 'train.jsonl' : 'train.parquet';
  const name = options.name ?? run.name;
  return writeDirAtomically(options.outDir, (dir) => {
    const stats = emptyExportStats();
    mkdirSync(join(dir, 'provenance'));
    const provFd = openSync(join(dir, 'provenance', 'samples.jsonl'), 'w');
    const dataFd = format === 'jsonl' ? openSync(join(dir, dataFile), 'w') : null;
    const parquet = format === 'parquet' ? new ParquetRows(style) : null;
    try {
      for (const batch of store.iterateSampleBatches(run.id, {
        batchSize: 1000,
        // By problem, not arrival order: the same run exports the same bytes (reproducible training data).
        order: 'problem',
        ...(options.signal ? { signal: options.signal } : {}),
      })) {
        let data = '';
        let prov = '';
        for (const sample of batch) {
          if (!kept.has(sample.id)) continue;
          addToStats(stats, sample);
          if (dataFd !== null) data += `${JSON.stringify(trainingRecord(sample, style))}\n`;
          parquet?.add(sample);
          prov += `${JSON.stringify(provenanceRecord(sample))}\n`;
        }
        if (dataFd !== null && data) writeSync(dataFd, data);
        if (prov) writeSync(provFd, prov);
      }
    } finally {
      closeSync(provFd);
      if (dataFd !== null) closeSync(dataFd);
    }
    checkTermsGate(stats, accept);
    const dataBytes = parquet ? parquet.write(join(dir, dataFile)) : readFileSync(join(dir, dataFile));
    const dataSha256 = sha256(dataBytes);
    const summary = curation.summary as unknown as CurationSummary;
    const common = {
      name,
      runId: run.id,
      format,
      style,
      dataFile,
      stats,
      curation: summary,
      termsRiskAccepted: accept,
    };
    writeFileSync(join(dir, 'README.md'), renderDatasetCard(common));
    const provenanceSha256 = sha256(readFileSync(join(dir, PROVENANCE_FILE)));
    writeFileSync(
      join(dir, 'croissant.json'),
      `${JSON.stringify(buildCroissant({ ...common, dataSha256, provenanceSha256 }), null, 2)}\n`,
    );
    const files = [dataFile, PROVENANCE_FILE, 'README.md', 'croissant.json'].map((path) => {
      const bytes = readFileSync(join(dir, path));
      return { path, bytes: bytes.length, sha256: sha256(bytes) };
    });
    return {
      outDir: options.outDir,
      runId: run.id,
      format,
      style,
      rows: stats.rows,
      files,
      stats,
      termsRiskAccepted: accept && stats.notAllowed > 0,
    };
  });
}
