"Test settings shared by every test: offline hub, a quiet progress bar, headless matplotlib, one BLAS pool per core."
import json, os
from pathlib import Path
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
# (longest-first scheduling). `durations.json` holds each test's seconds (setup + call) from a full run on the 2-core
# machine; it only sets the order. `DD_NB_RECORD_DURATIONS=1 pytest` rewrites it from that run. The docs tests are
# one group (`xdist_group`, `--dist loadgroup`), ordered by their first test, which builds the site.
DURATIONS = Path(__file__).with_name('durations.json')
SLOW_FIRST = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
_measured = {}


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: -SLOW_FIRST.get(item.name, 0))


def pytest_runtest_logreport(report):          # on the controller too: xdist forwards every worker's reports
    if report.when in ('setup', 'call'):
        name = report.nodeid.split('::')[-1]
        _measured[name] = _measured.get(name, 0) + report.duration


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get('DD_NB_RECORD_DURATIONS') == '1' and not hasattr(session.config, 'workerinput') and exitstatus == 0:
        table = {k: round(v, 1) for k, v in sorted(_measured.items(), key=lambda kv: -kv[1]) if v >= 1}
        DURATIONS.write_text(json.dumps(table, indent=1) + '\n')
