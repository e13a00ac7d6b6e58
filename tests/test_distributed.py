"""Distributed runs on the CPU: 2 gloo processes give the 1-process results (distillation and evaluation), an objective
that does not split by class is refused with its reason, and `torchrun -m dd_nb.cli` writes one run folder.

Tolerance: 1e-5 absolute on the synthetic images (unit scale) and 1e-5 relative on the losses (float rounding: the
ranks run forwards on smaller batches and sum the loss in another order). On the CPU the images come out bit-identical
today; the tolerance leaves room for kernels that pick another algorithm for another batch size."""
import os, socket, subprocess, sys
from functools import partial
from pathlib import Path
import pytest
import torch
import dd_nb, dd_nb.cli
import dd_nb.distributed as D
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset, load_synset
from dd_nb.distill import distill, get_objective
from dd_nb.train import evaluate

ROOT = Path(__file__).resolve().parents[1]
TOL = 1e-5


@pytest.fixture(scope='module')
def digits(): return load_dataset('digits')


def fresh(data): return init_synset(data, 2, generator=torch.Generator().manual_seed(0))


JOBS = {'dm': dict(batch_real=16), 'datadam': dict(batch_real=16), 'datadam_pool': dict(batch_real=16, pool=2, pool_real=16)}


def test_two_ranks_equal_one_process(digits, tmp_path):
    "DM and DataDAM (instance norm, fresh and pool) on 2 ranks, a 2-rank run stopped and resumed, and 3 models evaluated on 2 ranks: one launch."
    calls = [partial(D.distill_sharded, fresh(digits), digits, name.split('_')[0], steps=8, seed=1, progress=False, **kw) for name, kw in JOBS.items()]
    ck = tmp_path / 'ck.pt'
    resumed = [partial(D.distill_sharded, fresh(digits), digits, 'dm', steps=s, seed=1, batch_real=16, checkpoint=ck, checkpoint_every=2, progress=False) for s in (4, 8)]
    calls += resumed + [partial(D.evaluate_sharded, fresh(digits), digits, n_models=3, epochs=2)]
    rank0, rank1 = D.launch(calls)
    for (name, kw), r0, r1 in zip(JOBS.items(), rank0, rank1):
        one = distill(fresh(digits), digits, name.split('_')[0], steps=8, seed=1, progress=False, **kw)
        a, b, c = (r.synset.images.detach() for r in (r0, r1, one))
        assert torch.equal(a, b), f'{name}: the two ranks hold different sets'
        assert (a - c).abs().max() <= TOL, f'{name}: 2 ranks differ from 1 process by {(a - c).abs().max():.2e}'
        assert (a - fresh(digits).images).abs().max() > 1e-2, f'{name}: the set did not move'
        losses, ref = torch.tensor(r0.losses()), torch.tensor(one.losses())
        assert (losses - ref).abs().max() <= TOL * ref.abs().max(), name
        assert r1.checkpoint is None and r0.objective.classes is None
    first, second = rank0[len(JOBS):len(JOBS) + 2]
    assert first.step == 4 and second.step == 8 and len(second.history) == 8
    straight = distill(fresh(digits), digits, 'dm', steps=8, seed=1, batch_real=16, progress=False)
    assert (second.synset.images.detach() - straight.synset.images.detach()).abs().max() <= TOL
    seq = evaluate(fresh(digits), digits, n_models=3, epochs=2)
    assert rank0[-1].accuracies == seq.accuracies == rank1[-1].accuracies    # exact on the CPU: the same networks
    assert rank0[-1].protocol['processes'] == 2


def test_non_separable_objective_is_refused(digits):
    with pytest.raises(Exception, match="datadam cannot split its classes over 2 processes: its random networks have batch norm"):
        D.launch(partial(D.distill_sharded, fresh(digits), digits, 'datadam', steps=2, norm='batch', progress=False))
    assert 'one student network' in D.not_separable(get_objective('mtt'), digits)
    assert 'redefines the loss of DM' in D.not_separable(get_objective('dm_causal'), digits)
    assert D.not_separable(get_objective('dm'), digits) is None


def test_torchrun_cli(tmp_path):
    "`torchrun --nproc_per_node 2 -m dd_nb.cli distill`: rank 0 alone prints and writes; the set equals the 1-process run."
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')]), OMP_NUM_THREADS='1')
    args = ['distill', 'dm', '--steps', '6', '--batch-real', '16', '--ipc', '2', '--device', 'cpu', '--no-eval']
    r = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port', str(port),
                        '-m', 'dd_nb.cli', *args, '--out', str(tmp_path / 'two')], capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.count('run folder:') == 1, r.stdout          # one process printed
    one = dd_nb.cli.main([*args, '--out', str(tmp_path / 'one'), '--quiet'])
    a, b = (load_synset(tmp_path / d / 'state.safetensors') for d in ('two', 'one'))
    assert (a.images - b.images).abs().max() <= TOL
    assert one['processes'] == 1
    import json
    assert json.loads((tmp_path / 'two' / 'metrics.json').read_text())['processes'] == 2
