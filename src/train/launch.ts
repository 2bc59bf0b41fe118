/** How the training worker is started: plain python, or torchrun on one node or over several (c10d rendezvous). */
export interface LaunchOptions {
  /** Processes on this node. Defaults to 1. */
  nproc?: number;
  /** Nodes in the run. Defaults to 1. */
  nnodes?: number;
  /** This node's number (0 hosts the rendezvous store). Defaults to 0. */
  nodeRank?: number;
  /** `HOST:PORT` of the c10d rendezvous (nnodes > 1). */
  rdzv?: string;
}

export interface Launch {
  /** Arguments to the venv's python, ending with `-m distill_trainer <args>`. */
  argv: string[];
  /** Environment for the workers: `DISTILL_NODE_RANK` (the c10d rendezvous numbers nodes in its own order). */
  env: Record<string, string>;
}

/** The rendezvous id every node of one run shares (one run per rendezvous endpoint). */
export const RDZV_ID = 'distill';

/**
 * `python -m distill_trainer …` for one process; `python -m torch.distributed.run --standalone …` for several on
 * one node; with nnodes > 1 the c10d rendezvous at `rdzv`, which node 0 hosts (`is_host`), so every node can be
 * started with the same command and only `--node-rank` differs. No restarts: a failed rank ends the run on every
 * node, and `--resume` continues it from the last checkpoint.
 */
export function launchArgs(workerArgs: string[], o: LaunchOptions = {}): Launch {
  const nproc = o.nproc ?? 1;
  const nnodes = o.nnodes ?? 1;
  const nodeRank = o.nodeRank ?? 0;
  const env = { DISTILL_NODE_RANK: String(nodeRank) };
  const worker = ['-m', 'distill_trainer', ...workerArgs];
  if (nnodes > 1) {
    if (!o.rdzv) throw new TypeError('launchArgs: nnodes > 1 needs rdzv');
    return {
      argv: [
        '-m',
        'torch.distributed.run',
        `--nnodes=${nnodes}`,
        `--nproc-per-node=${nproc}`,
        '--rdzv-backend=c10d',
        `--rdzv-endpoint=${o.rdzv}`,
        `--rdzv-id=${RDZV_ID}`,
        `--rdzv-conf=is_host=${nodeRank === 0 ? 'true' : 'false'}`,
        '--max-restarts=0',
        ...worker,
      ],
      env,
    };
  }
  if (nproc > 1)
    return {
      argv: ['-m', 'torch.distributed.run', '--standalone', `--nproc-per-node=${nproc}`, ...worker],
      env,
    };
  return { argv: worker, env };
}
