"Test settings shared by every test: offline hub, a quiet progress bar, headless matplotlib, one BLAS pool per core."
import os
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('MPLBACKEND', 'Agg')
os.environ.setdefault('TQDM_DISABLE', '1')

# Under pytest-xdist (`-n auto`, set in pytest.ini) each worker is its own process running notebooks side by side.
# Left alone, each would start one torch thread per core, and N workers x N threads on N cores run 5-20x slower
# than either alone (measured on the 2-core CI machine). So the cores are shared out: workers x threads = cores.
# Set before torch is imported; subprocesses (the CLI tests, torchrun) inherit it.
_workers = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1'))
if _workers > 1:
    _threads = str(max(1, (os.cpu_count() or 1) // _workers))
    for _var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ.setdefault(_var, _threads)


# The longest tests start first, so that two workers finish together instead of one waiting on a late heavy notebook
# (longest-first scheduling). Seconds from `pytest --durations` on the 2-core machine; used only for the order. The
# docs tests are one group (`xdist_group`, `--dist loadgroup`), ordered by their first test, which builds the site.
SLOW_FIRST = {'test_notebook[13_hello]': 95, 'test_notebook[04_train]': 60, 'test_notebook[11_haba]': 50,
              'test_notebook[10_datadam]': 50, 'test_build_is_clean': 50, 'test_notebook[12_gold]': 31,
              'test_notebook[index]': 25, 'test_notebook[05_distill]': 25, 'test_notebook[20_cli]': 24,
              'test_cli_distill_haba_and_mtt': 22, 'test_torchrun_cli': 21, 'test_evaluate_other_codebases_files': 20,
              'test_progress_when_piped_is_a_few_lines': 15, 'test_distill_then_evaluate': 15, 'test_two_ranks_equal_one_process': 15}


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: -SLOW_FIRST.get(item.name, 0))
