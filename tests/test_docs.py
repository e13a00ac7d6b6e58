"""The documentation site: `python docs/build.py` (the README's one command) builds it from the notebooks' stored
outputs with no warning, a page for every notebook, the API of every exported symbol and the landing-page gallery.

The checks read what they expect from `nbs/` and the package, not from a copy of today's contents, so notebooks can
change without touching this file; a broken page (a missing picture, link or anchor, a symbol left out) fails it."""
import base64, html, importlib, inspect, json, os, re, subprocess, sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from fastcore.docments import docments
from dd_nb.core import atomic_write, file_lock

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.')))
LAYERS = [(0, 9, 'Foundation'), (10, 19, 'Methods'), (20, 29, 'Command line'), (30, 39, 'Lessons')]
# One worker runs every test here: the site is built once, and no second worker sits waiting on its lock.
pytestmark = pytest.mark.xdist_group('docs')


def cells(path): return json.loads(path.read_text(encoding='utf-8'))['cells']
def source(cell): return ''.join(cell['source'])
def shown(cell):   # nbdev leaves these cells out of its pages, and so does the site
    return not re.search(r'^\s*#\s?\|\s*(hide\b|default_exp\b|include:\s*false)', source(cell), re.M)
def pngs(cell): return [o for o in cell.get('outputs', []) if 'image/png' in o.get('data', {})]
def number(path): m = re.match(r'\d+', path.stem); return int(m.group()) if m else None


def text_of(page_html):
    "What a reader sees of a page, without tags and whitespace (so inline markup cannot break a comparison)."
    page_html = re.sub(r'(?s)<(script|style)\b.*?</\1>', '', page_html)
    return re.sub(r'\s+', '', html.unescape(re.sub(r'<[^>]+>', '', page_html)))


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    """Build the site once per test session. Under pytest-xdist the module's tests can land on several workers, each
    with its own module fixture: the first builds into the session's shared temporary folder, the others wait on the
    lock and read the same build."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get('PYTEST_XDIST_WORKER') else base
    out, record = shared / 'docs' / 'site', shared / 'docs' / 'build.json'
    with file_lock(record):
        if not record.exists():
            r = subprocess.run([sys.executable, str(ROOT / 'docs' / 'build.py'), '--site', str(out)],
                               cwd=ROOT, capture_output=True, text=True, timeout=600)
            atomic_write(record, lambda t: Path(t).write_text(json.dumps(dict(rc=r.returncode, log=r.stdout + r.stderr))))
    built = json.loads(record.read_text())
    return out, built['rc'], built['log']


def page(site, rel): return (site[0] / rel).read_text(encoding='utf-8')


def test_build_is_clean(site):
    "The build (mkdocs --strict: broken links and anchors are warnings too) succeeds and reports nothing wrong."
    _, rc, log = site
    assert rc == 0, log
    assert not re.search(r'\b(WARNING|ERROR)\b', log), log
    assert 'execute=True' not in log   # stored outputs only: nothing is run


def test_every_notebook_has_a_page(site):
    for nb in NBS:
        p = site[0] / f'{nb.stem}.html'
        assert p.exists(), f'no page for {nb.name}'
        title = next((m.group(1) for c in cells(nb) if c['cell_type'] == 'markdown'
                      for m in [re.search(r'^#\s+(.+)$', source(c), re.M)] if m), None)
        if title: assert text_of(title.replace('`', '')) in text_of(p.read_text(encoding='utf-8')), nb.stem


def test_pages_show_stored_images_and_outputs(site):
    "Every PNG output of a shown cell is on the page, and stored text outputs appear as stored (nothing re-run)."
    for nb in NBS:
        body = page(site, f'{nb.stem}.html')
        n_png = sum(len(pngs(c)) for c in cells(nb) if c['cell_type'] == 'code' and shown(c))
        imgs = re.findall(r'<img\b[^>]*src="data:image/png;base64,', body)
        assert len(imgs) >= n_png, f'{nb.stem}: {n_png} stored PNG outputs, {len(imgs)} <img> on the page'
        streams = [l for c in cells(nb) if c['cell_type'] == 'code' and shown(c) for o in c.get('outputs', [])
                   if o.get('output_type') == 'stream' and o.get('name') == 'stdout'
                   for l in ''.join(o['text']).splitlines() if len(l.strip()) > 10 and not {'\r', '\x1b'} & set(l)]
        if streams: assert text_of(html.escape(streams[0])) in text_of(body), (nb.stem, streams[0])


def test_navigation_follows_the_layers(site):
    home = page(site, 'index.html')
    nav = home[home.index('md-nav--primary'):]
    seq = re.findall(r'>\s*(Foundation|Methods|Command line|Lessons|More|API reference)\s*<|href="([^"#]+\.html)"', nav)
    order = [lab or href for lab, href in seq]
    for nb in NBS:
        if nb.stem == 'index': continue
        layer = next((name for lo, hi, name in LAYERS if number(nb) is not None and lo <= number(nb) <= hi), 'More')
        where = order.index(f'{nb.stem}.html')
        labels = [x for x in order[:where] if not x.endswith('.html')]
        assert labels and labels[-1] == layer, f'{nb.stem} is under {labels[-1:]} in the navigation, not {layer}'


def exported():
    "(module, page, [names]) for every dd_nb module with an `__all__`, from the notebooks' default_exp."
    out = []
    for nb in NBS:
        exp = [m.group(1) for c in cells(nb) for m in [re.search(r'#\s?\|\s*default_exp\s+(\S+)', source(c))] if m]
        if exp: out.append((importlib.import_module(f'dd_nb.{exp[0]}'), f'api/{exp[0]}.html'))
    return out


def test_api_lists_every_exported_symbol(site):
    mods = exported()
    assert mods
    for mod, rel in mods:
        body = page(site, rel)
        for name in mod.__all__: assert f'id="{name}"' in body, f'{mod.__name__}.{name} is missing from {rel}'


@pytest.mark.parametrize('module, name', [('dd_nb.distill', 'distill'), ('dd_nb.train', 'evaluate')])
def test_api_shows_signature_docstring_and_docments(site, module, name):
    obj = getattr(importlib.import_module(module), name)
    body = page(site, f'api/{module.split(".")[-1]}.html')
    i = body.index(f'id="{name}"')
    entry = text_of(body[i:body.find('<h2', i + 1)])
    for p in inspect.signature(obj).parameters: assert p in entry, p
    first_line = inspect.getdoc(obj).splitlines()[0]
    assert text_of(first_line.replace('`', '')) in entry
    comments = {k: v['docment'] for k, v in docments(obj, full=True).items() if v['docment']}
    assert comments, f'{name} has no docments comments to show'
    for k, c in comments.items(): assert text_of(c.replace('`', '')) in entry, (k, c)


def test_index_gallery_shows_each_method_picture(site):
    home = page(site, 'index.html')
    methods = [nb for nb in NBS if number(nb) is not None and 10 <= number(nb) <= 19]
    assert methods
    for nb in methods:
        assert f'href="{nb.stem}.html"' in home, f'the landing page does not link {nb.stem}'
        if any(pngs(c) for c in cells(nb)):
            src = f'assets/gallery/{nb.stem}.png'
            assert f'src="{src}"' in home, f'the landing page shows no picture of {nb.stem}'
            stored = {base64.b64decode(''.join(o['data']['image/png'])) for c in cells(nb) for o in pngs(c)}
            assert (site[0] / src).read_bytes() in stored, f'{src} is not one of the notebook\'s stored pictures'
    i = home.index('dd-gallery')
    captions = re.findall(r'<figcaption>(.*?)</figcaption>', home[i:])
    assert len(captions) >= len(methods) and all(len(text_of(c)) > 20 for c in captions), captions


def test_links_and_anchors_resolve(site):
    "Every relative link, image and script of every page exists; every #anchor exists on its page."
    root = site[0]
    ids = {}
    def ids_of(p):
        if p not in ids: ids[p] = set(re.findall(r'\bid="([^"]+)"', p.read_text(encoding='utf-8')))
        return ids[p]
    bad = []
    for p in sorted(root.rglob('*.html')):
        if p.name == '404.html': continue   # links from the server's root, for a web server's error page
        body = p.read_text(encoding='utf-8')
        for ref in re.findall(r'\b(?:href|src)="([^"]+)"', body):
            u = urlsplit(html.unescape(ref))
            if u.scheme or ref.startswith(('//', 'data:', 'mailto:', 'javascript:')): continue
            target = (p.parent / unquote(u.path)).resolve() if u.path else p
            if target.is_dir(): target = target / 'index.html'
            if not target.exists(): bad.append(f'{p.relative_to(root)}: {ref}'); continue
            if u.fragment and target.suffix == '.html' and unquote(u.fragment) not in ids_of(target):
                bad.append(f'{p.relative_to(root)}: {ref} (no such anchor)')
    assert not bad, '\n'.join(bad[:20])


def test_formulas_render_offline(site):
    "Pages with formulas load MathJax from the site itself, not from the internet."
    with_math = [nb for nb in NBS if any(c['cell_type'] == 'markdown' and '$' in source(c) for c in cells(nb))]
    for nb in with_math:
        body = page(site, f'{nb.stem}.html')
        assert re.search(r'<script[^>]+src="assets/mathjax/MathJax\.js', body), nb.stem
    assert (site[0] / 'assets/mathjax/MathJax.js').exists()


# ------------------------------------------------------------------------------------------------ README and results
README = ROOT / 'README.md'
sys.path.insert(0, str(ROOT / 'docs'))
import results as results_page   # docs/results.py: the results page, rendered from benchmarks/results/


def readme(): return README.read_text(encoding='utf-8')
def prose(md): return re.sub(r'(?s)```.*?```', '', md)   # the README without its code blocks


def test_readme_is_short_and_keeps_the_ci_commands():
    "A newcomer's two minutes: under 150 lines, with the two set-up commands `.ci/run` runs exactly as written."
    md = readme()
    assert len(md.splitlines()) < 150, len(md.splitlines())
    assert '```bash\npip install -e ".[dev]"\n```' in md and '```bash\npytest\n```' in md
    ci = (ROOT / '.ci' / 'run').read_text()
    assert 'pip install -e ".[dev]"' in ci and re.search(r'^pytest$', ci, re.M)


def shape(line):
    "A printed line with what changes from run to run masked: absolute paths, then numbers."
    line = re.sub(r'(?<![\w.])/(?:[^\s/]+/)*[^\s/]+', '<path>', line)
    return re.sub(r'\d[\d,.]*', '0', line).rstrip()


def sample_output(md, command):
    "The fenced block after the README's `<!-- sample-output: COMMAND ... -->` marker."
    m = re.search(r'<!-- sample-output: ' + re.escape(command) + r'\b.*?-->\s*```\n(.*?)```', md, re.S)
    assert m, f'the README has no sample output marked for {command!r}'
    return m.group(1).splitlines()


def test_readme_sample_output_is_what_the_command_prints(tmp_path, monkeypatch, capsys):
    """The main job's sample output has the shape of what `dd-nb distill dm --dataset digits --ipc 1` prints now: the
    same command run in-process (20 distillation steps instead of 500, the default evaluation, a fresh data root so
    the shipped baseline is used as in a fresh clone), its lines compared with numbers and paths masked."""
    from dd_nb.cli import main
    command = 'dd-nb distill dm --dataset digits --ipc 1'
    want = sample_output(readme(), command)
    monkeypatch.chdir(tmp_path); monkeypatch.setenv('DD_NB_DATA', str(tmp_path / 'data'))
    monkeypatch.delenv('DD_NB_RECOMPUTE', raising=False)
    main(command.split()[1:] + ['--steps', '20', '--quiet'])
    got = capsys.readouterr().out.splitlines()
    assert [shape(l) for l in got] == [shape(l) for l in want], '\n'.join(['now:'] + got + ['README:'] + want)


def test_shape_masks_only_what_changes():
    a = 'dm on digits, IPC 1: 87.8 ± 1.1 %   random real (IPC 1, equal bytes): 70.7 ± 4.8 %'
    test = a.replace('87.8', '59.6')
    assert shape(a) == shape(test) and shape(a) != shape(a.replace('random real', 'random'))
    assert shape('random baseline: shipped: /a/b/x-1.json') == shape('random baseline: shipped: /c/x-2.json')


@pytest.fixture(scope='module')
def rendered(): return results_page.render()


def test_readme_numbers_come_from_the_results_page(rendered):
    "Every `mean ± std` the README quotes, and every decimal in its results tables, is on the results page."
    md = prose(readme())
    assert results_page.numbers(md), 'the README quotes no results?'
    missing = results_page.numbers(md) - results_page.numbers(rendered)
    assert not missing, f'README numbers that no results file holds: {sorted(missing)}'
    section = md[md.index('## Results'):md.index('## Where to go next')]
    page_decimals = set(re.findall(r'\d+\.\d+', rendered))
    tables = [l for l in section.splitlines() if l.startswith('|')]
    missing = {x for l in tables for x in re.findall(r'(?<![\w.])\d+\.\d+(?![\w.])', l.replace('**', ''))} - page_decimals
    assert not missing, f'decimals in the README tables that no results file holds: {sorted(missing)}'


def test_readme_names_files_that_exist():
    "The results files the README names as sources exist (a brace pattern names several)."
    names = set(re.findall(r'`([\w{},.-]+\.(?:json|md|log))`', prose(readme())))
    assert names
    for n in names:
        m = re.match(r'(.*)\{(.*)\}(.*)', n)
        for f in ([m.group(1) + x + m.group(3) for x in m.group(2).split(',')] if m else [n]):
            if f in ('README.md', 'metrics.json'): continue   # the package's README, a run folder's file
            assert (ROOT / 'benchmarks' / 'results' / f).exists(), f


def test_results_page_shows_every_results_file(site, rendered):
    "One section per results file (a `.md` table stands for its `.json`), each naming its file; the site has the page."
    folder = ROOT / 'benchmarks' / 'results'
    heads = set(re.findall(r'^## (\S+)$', rendered, re.M))
    for p in folder.iterdir():
        if p.is_dir() or p.suffix == '.png': continue
        if p.suffix == '.json' and p.with_suffix('.md').exists(): assert p.with_suffix('.md').name in heads, p.name; continue
        if p.suffix in ('.md', '.log', '.jsonl', '.json'): assert p.name in heads, f'{p.name} is not on the results page'
    body = text_of(page(site, 'results.html'))   # the site has the page (built a moment earlier: files may have come since)
    assert text_of('distill_digits_dm_vs_random.json') in body and text_of('86.9 ± 2.0') in body


def test_results_page_follows_its_files(tmp_path):
    "The page is a rendering, not a copy: change a number in a results file and the page shows the new one."
    src = ROOT / 'benchmarks' / 'results' / 'distill_digits_dm_vs_random.json'
    d = json.loads(src.read_text())
    (tmp_path / src.name).write_text(json.dumps(d))
    assert '86.9 ± 2.0' in results_page.render(tmp_path)
    d['dm']['accuracy_mean'] = 12.34
    (tmp_path / src.name).write_text(json.dumps(d))
    page_ = results_page.render(tmp_path)
    assert '12.3 ± 2.0' in page_ and '86.9 ± 2.0' not in page_


def test_implementation_notes_cite_papers_and_repositories(site):
    "The notes page links the authors' repositories, and the method notebooks no longer point at files outside the repo."
    body = page(site, 'notes.html')
    for repo in ('DataDistillation/DataDAM', 'Huage001/DatasetFactorization', 'silicx/GoldFromOres-BiLP'):
        assert f'https://github.com/{repo}' in body, repo
    assert 'arXiv 2408.08201' in text_of(body).replace('arXiv2408', 'arXiv 2408')
