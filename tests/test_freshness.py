"""Stored outputs that cannot go stale: every notebook cell that renders a table or a verdict from a results file is
re-run here against the files as they are now, and its output compared with the output stored in the notebook.

A notebook is committed with its outputs, and the test suite skips `slow` cells, so a cell that prints a table from
`benchmarks/results/` keeps its old output when the file changes and nobody re-runs it. This check re-runs exactly
those cells (slow or not) and nothing that trains:

- **report cells**: code cells that read a results file (their source builds a path `results_dir / ...` or names
  `benchmarks/results/`), and cells that use a name read from one (`verdicts(students)` after
  `students = cached(results_dir / ...)`: the statements that read a file taint the names they assign), found by
  reading the cells' code (`ast`), not by a list;
- they run in a fresh IPython shell (execnb) holding the notebook's module (`#| default_exp`), its import lines
  and the report cells before them; cells that only define functions run too. A report cell that needs a name made
  by any other cell (a trained network, a distilled set) is not run: it is listed as unchecked, with the name;
- nothing is computed: `dd_nb.core.compute_once` (behind `cached`) raises instead of computing a missing result,
  `DD_NB_RECOMPUTE` is unset, and each cell has a time limit;
- compared: stdout and the text, markdown and HTML of displayed results (not pictures: their pixels depend on the
  matplotlib build), line by line with trailing spaces dropped.

`python tests/test_freshness.py nbs/X.ipynb` prints the report of one notebook as JSON (the tests run it in a
subprocess: one shell, one matplotlib, one working directory per notebook); `--refresh nbs/X.ipynb` stores the
re-rendered outputs of its stale report cells (only those; then `nbdev_clean --fname nbs/X.ipynb`)."""
import ast, builtins, json, os, re, shutil, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if not p.name.startswith('_'))
READS_RESULTS = re.compile(r'results_dir(\(\))?\s*/|benchmarks/results/')   # a path into the results folder
DIRECTIVE = re.compile(r'^\s*#\s?\|\s*(\S+)', re.M)
CELL_SECONDS = 30
# Top-level assignments from these calls are cheap and read no results (the embedded digits, a folder's path): the
# check runs them from any cell, so that report cells may use `digits` or `results_dir` made by an ordinary cell.
CHEAP_CALLS = {'load_dataset', 'find_results_dir'}
# Stored outputs that are not a rendering of a file: an object's repr with its address, a figure's or widget's repr.
ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')   # terminal control sequences (a progress line clearing itself)
VOLATILE = re.compile(r'<Figure size|<matplotlib\.|object at 0x|interactive\(children=|Output\(\)|VBox\(|HBox\(')


def source(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']
def directives(src): return {m.group(1) for m in DIRECTIVE.finditer(src.split('\n\n')[0])}


def python_of(src):
    "(tree, code): the cell as plain Python (IPython magics turned into calls), or (None, None) when it does not parse."
    from IPython.core.inputtransformer2 import TransformerManager
    code = TransformerManager().transform_cell(src)
    try: return ast.parse(code), code
    except SyntaxError: return None, None


def names(tree):
    "(names the cell may define, names it reads that it does not define itself)."
    stored, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name): (stored if isinstance(node.ctx, (ast.Store, ast.Del)) else loaded).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): stored.add(node.name)
        elif isinstance(node, ast.arg): stored.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names: stored.add((a.asname or a.name).split('.')[0])
        elif isinstance(node, ast.ExceptHandler) and node.name: stored.add(node.name)
    return stored, loaded - stored - set(dir(builtins)) - {'get_ipython', 'display'}


def only_definitions(tree):
    "True when the cell's top level only defines (functions, classes, imports, constants): running it is cheap."
    ok = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
    return all(isinstance(s, ok) or (isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)) for s in tree.body)


def tainted_by(tree, src, tainted):
    "Names defined by the cell's top-level statements that read a results file or a name already read from one."
    code = python_of(src)[1]
    out = set()
    for st in tree.body:
        seg = ast.get_source_segment(code, st) or ''
        sub = ast.Module(body=[st], type_ignores=[])
        defs, uses = names(sub)
        if READS_RESULTS.search(seg) or uses & (tainted | out):
            out |= {t.id for t in ast.walk(sub) if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)} if not \
                isinstance(st, (ast.FunctionDef, ast.ClassDef)) else {st.name}
    return out


def cheap_assignments(tree, available):
    "Top-level `name = load_dataset(...)` / `find_results_dir(...)` statements, and constants (`LR = 0.1`, `POOL = dict(pool=50)`)."
    out = []
    for st in tree.body:
        if not (isinstance(st, ast.Assign) and all(isinstance(t, ast.Name) for t in st.targets)): continue
        v = st.value
        loader = (isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id in CHEAP_CALLS
                  and v.func.id in available and names(v)[1] <= available)
        constant = all(isinstance(n, (ast.Constant, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.keyword, ast.Load, ast.UnaryOp,
                                      ast.USub, ast.Call, ast.Name)) for n in ast.walk(v)) \
            and all(n.id in ('dict', 'tuple', 'list', 'set') for n in ast.walk(v) if isinstance(n, ast.Name))
        if loader or constant: out.append(st)
    return out


def text_outputs(outputs):
    "What a reader reads in a cell's outputs: stdout, and the text / markdown / HTML of displayed values."
    out = []
    for o in outputs:
        if o.get('output_type') == 'stream':
            if o.get('name') == 'stdout': out.append(('stdout', ''.join(o['text'])))
        elif o.get('output_type') in ('execute_result', 'display_data'):
            data = o.get('data', {})
            for mime in ('text/markdown', 'text/html', 'text/plain'):
                if mime in data:
                    t = ''.join(data[mime]) if isinstance(data[mime], list) else data[mime]
                    if not VOLATILE.search(t): out.append((mime, t))
                    break
    text = ANSI.sub('', '\n'.join(t for _, t in out)).replace('\r\n', '\n')
    lines = [l.split('\r')[-1].rstrip() for l in text.splitlines()]   # a progress line keeps its last state
    return '\n'.join(l for l in lines if l).strip()


def setup_of(nb):
    "(module of `#| default_exp`, the import statements of every other code cell): what the report cells run beside."
    module, imports = None, []
    for cell in nb['cells']:
        if cell['cell_type'] != 'code': continue
        src = source(cell)
        m = re.search(r'^\s*#\s?\|\s*default_exp\s+(\S+)', src, re.M)
        if m: module = m.group(1); continue
        if directives(src) & {'export', 'exporti', 'exports'}: continue
        tree, code = python_of(src)
        if tree is None: continue
        imports += [ast.get_source_segment(code, s) for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    return module, [x for x in imports if x]


def check(nb_path, timeout=CELL_SECONDS):
    """Re-run the report cells of one notebook in a fresh shell (working directory: the notebook's folder); return
    {'checked': [...], 'stale': [...], 'errors': [...], 'unchecked': [...]}, each entry naming the cell."""
    import dd_nb.core as core
    from execnb.shell import CaptureShell
    os.environ.pop('DD_NB_RECOMPUTE', None)
    real = core.compute_once
    def no_compute(path, ready, load, make, recompute=False):
        if recompute or not ready(): raise RuntimeError(f'freshness check: {path} is missing; it would be computed')
        return real(path, ready, load, make, recompute)
    core.compute_once = no_compute
    nb_path = Path(nb_path).resolve()
    os.chdir(nb_path.parent)
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    module, imports = setup_of(nb)
    shell = CaptureShell()
    setup = ['import matplotlib; matplotlib.use("Agg")']
    if module: setup.append(f'import dd_nb.{module} as _m; globals().update({{k: v for k, v in vars(_m).items() '
                            f'if not k.startswith("__")}}); del _m')
    report = {'notebook': nb_path.name, 'checked': [], 'stale': [], 'errors': [], 'unchecked': []}
    for line in setup + imports:
        shell.run(line, timeout=timeout)
    available = set(shell.user_ns)
    tainted = set()
    for i, cell in enumerate(nb['cells']):
        if cell['cell_type'] != 'code': continue
        src = source(cell); d = directives(src)
        if d & {'export', 'exporti', 'exports', 'default_exp'} or re.search(r'^\s*#\s?\|\s*default_exp', src, re.M): continue
        tree, _ = python_of(src)
        if tree is None: continue
        defs, uses = names(tree)
        reads = bool(READS_RESULTS.search(src)) or bool(uses & tainted)
        if not reads:
            if only_definitions(tree) and uses <= available:
                shell.run(src, timeout=timeout); available |= defs
            else:
                for st in cheap_assignments(tree, available):
                    shell.run(ast.unparse(st), timeout=timeout); available |= {t.id for t in st.targets}
            continue
        label = f'cell {i}: ' + next((l for l in src.splitlines() if l.strip() and not l.lstrip().startswith('#|')), '')[:70]
        missing = uses - available
        if missing:
            for st in cheap_assignments(tree, available):
                shell.run(ast.unparse(st), timeout=timeout); available |= {t.id for t in st.targets}
            report['unchecked'].append(f'{label} (needs {", ".join(sorted(missing))} from a cell that computes)'); continue
        outputs = shell.run(src, timeout=timeout)
        errors = [o for o in outputs if o.get('output_type') == 'error']
        available |= defs; tainted |= tainted_by(tree, src, tainted)
        if errors:
            e = errors[0]; report['errors'].append(f"{label}: {e.get('ename')}: {e.get('evalue')}"); continue
        stored, now = text_outputs(cell.get('outputs', [])), text_outputs(outputs)
        if not stored and not now: continue
        (report['checked'] if stored == now else report['stale']).append(
            label if stored == now else dict(cell=label, index=i, stored=stored, now=now, outputs=outputs))
    return report


def run_check(nb_path, cwd=ROOT):
    r = subprocess.run([sys.executable, __file__, str(nb_path)], cwd=cwd, capture_output=True, text=True, timeout=900,
                       env=dict(os.environ, MPLBACKEND='Agg', TQDM_DISABLE='1'))
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def diff(entry):
    import difflib
    return '\n'.join(difflib.unified_diff(entry['stored'].splitlines(), entry['now'].splitlines(), 'stored output',
                                          'the results file now', lineterm='', n=1))


@pytest.mark.parametrize('nb', NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_report_outputs_match_the_results_files(nb):
    report = run_check(nb)
    if report['unchecked'] or report['errors']:
        print(f"{nb.name}: not checked:", *report['unchecked'], *report['errors'], sep='\n  ')
    assert not report['stale'], f'{nb.name}: stored outputs that no longer match their results files ' \
        f're-run these cells (they only read files):\n' + '\n\n'.join(f"{e['cell']}\n{diff(e)}" for e in report['stale'])


def stale_copy(tmp_path, nb_name, results_file, change):
    "A copy of the repository's notebook and results folder in which one results file was changed afterwards."
    (tmp_path / 'nbs').mkdir()
    shutil.copy(ROOT / 'nbs' / nb_name, tmp_path / 'nbs' / nb_name)
    shutil.copytree(ROOT / 'benchmarks' / 'results', tmp_path / 'benchmarks' / 'results')
    f = tmp_path / 'benchmarks' / 'results' / results_file
    data = json.loads(f.read_text()); change(data); f.write_text(json.dumps(data))
    return tmp_path / 'nbs' / nb_name


def test_hello_verdicts_are_checked_and_fresh():
    "13_hello's student table, its verdicts and the crossover (slow cells but the verdicts) are re-rendered and match."
    nb = ROOT / 'nbs' / '13_hello.ipynb'
    report = run_check(nb)
    checked = {int(c.split(':')[0].split()[1]) for c in report['checked']}   # checked and equal to the stored output
    cells = json.loads(nb.read_text())['cells']
    for needle in ('verdicts(json.loads(', 'student_table(students)', 'crossover(pj['):
        i = next(i for i, c in enumerate(cells) if needle in source(c))
        assert i in checked, (needle, report['checked'])


def test_a_stale_copy_fails(tmp_path):
    """The check fails when a results file changes and the notebook is not re-run: a copy of 13_hello beside a copy
    of the results in which IPC 10's hard-label students scored 0.5 points lower."""
    def lower_hard_labels(d):
        row = next(r for r in d['rows'] if r['source'] == 'hard labels' and r['ipc'] == 10)
        row['mean'] -= 0.5; row['accuracies'] = [a - 0.5 for a in row['accuracies']]
    nb = stale_copy(tmp_path, '13_hello.ipynb', 'hello_digits_students.json', lower_hard_labels)
    report = run_check(nb, cwd=tmp_path)
    stale = {e['cell'].split(':')[0] for e in report['stale']}
    assert len(stale) >= 2, report      # the student table and the verdicts
    verdict = next(e for e in report['stale'] if 'def verdicts' in e['cell'])
    changed = [l for l in diff(verdict).splitlines() if l.startswith(('-IPC', '+IPC'))]
    assert changed and all('IPC 10' in l for l in changed), diff(verdict)   # IPC 10's lines, and only those


def refresh(nb_path):
    "Store the re-rendered outputs of the stale report cells in the notebook (only those cells); return their labels."
    nb_path = Path(nb_path).resolve()
    report = check(nb_path)
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    for e in report['stale']:
        nb['cells'][e['index']]['outputs'] = [{k: v for k, v in o.items() if k != 'execution_count'} | (
            {'execution_count': None} if o.get('output_type') == 'execute_result' else {}) for o in e['outputs']]
    if report['stale']: nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    return [e['cell'] for e in report['stale']]


if __name__ == '__main__':
    # python tests/test_freshness.py NB            -> the report (JSON)
    # python tests/test_freshness.py --refresh NB  -> re-render the stale report cells into NB (then nbdev_clean --fname NB)
    if sys.argv[1] == '--refresh': print('\n'.join(refresh(sys.argv[2])) or 'nothing stale')
    else: print(json.dumps(check(sys.argv[1])))
