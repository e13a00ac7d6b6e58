"""Build the documentation site from `nbs/*.ipynb` with the outputs stored in the notebooks (nothing is executed).

    python docs/build.py                 # -> docs/_build/site/index.html (open it from files or any static server)
    python docs/build.py --site DIR      # the site somewhere else (the generated sources go to DIR/../<name>_src)

What it does, in order:

1. Notebooks. Every `nbs/*.ipynb` except scratch notebooks (a leading `_`) is copied into the generated sources with
   nbdev's directives applied as nbdev's own site would: cells marked `#| hide`, `#| include: false` and the
   `#| default_exp` cell are left out, `#| echo: false` shows only the outputs, `#| output: false` only the code,
   and the `#|` lines themselves are dropped from the code shown. Widgets need a running kernel: an `interact`
   explorer shows the outputs saved in its widget state (its first picture) and a note; a progress bar is dropped. In markdown, `` `name` `` of an exported
   symbol links to its API entry and `` `05_distill` `` to that notebook's page.
2. Navigation follows the layers, by the notebook's number: 00-09 Foundation, 10-19 Methods, 20-29 Command line,
   30-39 Lessons, anything else More; then the results page (rendered from `benchmarks/results/` by
   `docs/results.py`, so a number lives in its file) and the implementation notes (`docs/notes.md`). Notebooks are found by glob, so a new one appears without touching this file.
3. API reference: one page per module, listing every name in the module's `__all__` and the public methods of its
   classes that `dd_nb/_modidx.py` records: signature, docstring and the docments parameter comments
   (`fastcore.docments.docments`).
4. Landing page: `nbs/index.ipynb` with a gallery inserted after its title: one picture per method notebook
   (10-19), taken from that notebook's stored PNG outputs by `signature_picture` (rule in its docstring), with a
   one-line caption and a link to the page.
5. `mkdocs build --strict` (mkdocs-material + mkdocs-jupyter, config `docs/mkdocs.yml`): any warning fails the build.
   MathJax (from the jupyter-server-mathjax package) is copied into the site so formulas render offline.
"""
from __future__ import annotations

import argparse, base64, copy, dataclasses, html, importlib, inspect, json, os, re, shutil, subprocess, sys, time
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
NBS = ROOT / 'nbs'
LIB = 'dd_nb'
DEFAULT_SITE = DOCS / '_build' / 'site'
MARKER = '.dd_nb_docs'   # marks the folders this script may empty and rebuild

# Layers by notebook number: (first, last, section title).
LAYERS = [(0, 9, 'Foundation'), (10, 19, 'Methods'), (20, 29, 'Command line'), (30, 39, 'Lessons')]
# Hand-written and generated pages beside the notebooks: (navigation title, page). `results.md` is rendered from
# `benchmarks/results/` by `docs/results.py`; the others are copied from `docs/`.
PAGES = [('Map of the layers', 'layers.md'), ('Results', 'results.md'), ('Implementation notes', 'notes.md')]
OTHER_LAYER = 'More'

# The signature picture of each method notebook. A cell can claim it with the marker below in its source; otherwise
# the first cell that contains all the strings of one of these tuples (tried in order) and has a PNG output; otherwise
# the notebook's first PNG output. The caption says what the picture shows; without one, the notebook's summary.
SIGNATURE_MARKER = '#| signature'
SIGNATURE = {
    '10_datadam': dict(find=[('plot_attention(',)],
                       caption='Spatial attention maps of real images and of the synthetic set before and after '
                               'DataDAM: what the objective matches. Digits, IPC 1: 88.7 ± 1.2 % vs random real images '
                               '70.9 ± 4.3 % (3 seeds x 5 ConvNets, 300 epochs, final epoch; 10_datadam).'),
    '11_haba': dict(find=[('hallucinat', 'show'), ('hallucinat',)],
                    caption='Images hallucinated from shared bases: more images for the same bytes.'),
    '12_gold': dict(find=[('plot_pruning_curves(', '#| slow'), ('plot_pruning_curves(',)],
                    caption='Pruning curves: distillation accuracy against the fraction of real data kept, '
                            'by the order in which samples are dropped. Digits, DM IPC 1 on the easiest 10 % per class: '
                            '86.9 ± 1.2 % vs 83.5 ± 2.1 % on the full pool (150 steps, 3 seeds x 5 ConvNets; 12_gold).'),
    '13_hello': dict(find=[('projector', 'error'), ('projector',)],
                     caption="The label projector's error against the teacher's labels."),
}

DIRECTIVE = re.compile(r'^\s*#\s?\|\s*(.*?)\s*$')


# --------------------------------------------------------------------------------------------------------- notebooks
@dataclasses.dataclass
class Notebook:
    path: Path
    nb: dict

    @property
    def stem(self): return self.path.stem

    @property
    def page(self): return self.stem + '.html'

    @property
    def number(self):
        m = re.match(r'(\d+)', self.stem)
        return int(m.group(1)) if m else None

    @property
    def layer(self):
        if self.stem == 'index': return None
        for lo, hi, name in LAYERS:
            if self.number is not None and lo <= self.number <= hi: return name
        return OTHER_LAYER

    def _first_md(self):
        return next((src(c) for c in self.nb['cells'] if c['cell_type'] == 'markdown'), '')

    @property
    def title(self):
        m = re.search(r'^#\s+(.+)$', self._first_md(), re.M)
        return m.group(1).strip() if m else self.stem

    @property
    def summary(self):
        m = re.search(r'^>\s*(.+)$', self._first_md(), re.M)
        return m.group(1).strip() if m else ''

    @property
    def module(self):
        for c in self.nb['cells']:
            for d in directives(c):
                if d.startswith('default_exp'): return f'{LIB}.' + d.split(None, 1)[1].strip()
        return None


def src(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']


def directives(cell):
    "nbdev/Quarto directives (`#| ...`) at the top of a code cell."
    if cell['cell_type'] != 'code': return []
    out = []
    for line in src(cell).splitlines():
        m = DIRECTIVE.match(line)
        if m: out.append(m.group(1))
        elif line.strip(): break
    return out


def read_notebooks(nbs=NBS):
    "Every notebook in `nbs`, sorted by name, without scratch notebooks (leading `_`)."
    return [Notebook(p, json.loads(p.read_text(encoding='utf-8')))
            for p in sorted(nbs.glob('*.ipynb')) if not p.name.startswith(('_', '.'))]


def png_outputs(cell):
    return [o['data']['image/png'] for o in cell.get('outputs', []) if 'image/png' in o.get('data', {})]


def signature_picture(nb: Notebook):
    """(PNG bytes, caption) of a method notebook's signature picture, or (None, caption).

    Rule: the first PNG output of the first code cell whose source contains `SIGNATURE_MARKER` (`#| signature`);
    else, for each tuple in `SIGNATURE[stem]['find']` in turn, the first PNG of the first cell whose source contains
    all its strings; else the notebook's first PNG output. The caption is `SIGNATURE[stem]['caption']` when the
    picture was found by the marker or the mapping, else the first sentence of the notebook's summary."""
    cells = [c for c in nb.nb['cells'] if c['cell_type'] == 'code' and png_outputs(c)]
    spec = SIGNATURE.get(nb.stem, {})
    summary = re.split(r'(?<=[.:])\s', nb.summary, maxsplit=1)[0] if nb.summary else nb.title
    pick = next((c for c in cells if SIGNATURE_MARKER in src(c)), None)
    for needles in spec.get('find', []):
        if pick is not None: break
        pick = next((c for c in cells if all(n in src(c) for n in needles)), None)
    caption = spec.get('caption', summary) if pick is not None else summary
    if pick is None and cells: pick = cells[0]
    if pick is None: return None, caption
    data = png_outputs(pick)[0]
    return base64.b64decode(''.join(data) if isinstance(data, list) else data), caption


LINK_SKIP = re.compile(r'(```.*?```|~~~.*?~~~)', re.S)


def link_names(md, links):
    "Link `` `name` `` (and `` `name()` ``) to `links[name]`, outside fenced code, headings and existing links."
    def sub_text(text):
        out = []
        for line in text.split('\n'):
            if line.lstrip().startswith('#'): out.append(line); continue
            out.append(re.sub(r'(?<![\[`])`(\w[\w.]*)(\(\))?`(?![`\]])',
                              lambda m: f'[`{m.group(1)}{m.group(2) or ""}`]({links[m.group(1)]})'
                              if m.group(1) in links else m.group(0), line))
        return '\n'.join(out)
    return outside_fences(md, sub_text)


def outside_fences(md, fn):
    "Apply `fn` to the parts of markdown `md` outside fenced code blocks."
    return ''.join(p if i % 2 else fn(p) for i, p in enumerate(LINK_SKIP.split(md)))


WIDGET = 'application/vnd.jupyter.widget-view+json'


def widget_static(model_id, state):
    """What a saved widget shows without a kernel: the outputs its Output widgets hold (an explorer's first
    picture, when the notebook was saved with its widget state) and a note naming its controls."""
    outputs, controls, seen, todo = [], [], set(), [model_id]
    while todo:
        mid = todo.pop(0)
        if mid in seen or mid not in state: continue
        seen.add(mid)
        model = state[mid]
        s = model.get('state', {})
        if model.get('model_name') == 'OutputModel': outputs += s.get('outputs', [])
        if s.get('description'): controls.append(html.escape(str(s['description'])))
        todo += [c[len('IPY_MODEL_'):] for c in s.get('children', []) if str(c).startswith('IPY_MODEL_')]
    what = f' ({", ".join(controls)})' if controls else ''
    shown = 'only its first state is shown' if outputs else 'they are not on this page'
    note = (f'<p class="dd-widget-note"><em>Interactive explorer{what}: its controls need a running Python kernel, '
            f'so {shown}. Run the notebook in Jupyter to use them.</em></p>')
    return outputs + [dict(output_type='display_data', metadata={}, data={'text/html': note})]


def code_in_headings(md):
    """`` `x` `` -> `<code>x</code>` in headings: mkdocs-jupyter drops code spans when it builds the table of
    contents, so a heading with one would get a TOC link that misses its anchor."""
    code = lambda c: f'<code>{html.escape(c.group(1))}</code>'
    fix = lambda text: re.sub(r'^(#{1,6} .*)$', lambda m: re.sub(r'`([^`\n]+)`', code, m.group(1)), text, flags=re.M)
    return outside_fences(md, fix)


def process_notebook(nb: Notebook, links):
    "The notebook as the site shows it: nbdev directives applied, widget outputs replaced, names linked."
    out = copy.deepcopy(nb.nb)
    widgets = out['metadata'].pop('widgets', None) or {}   # no widget manager from a CDN: the site works offline
    wstate = widgets.get('application/vnd.jupyter.widget-state+json', {}).get('state', {})
    cells = []
    for cell in out['cells']:
        if cell['cell_type'] == 'markdown':
            text = re.sub(r'\]\((\w[\w-]*)\.ipynb(#[^)]*)?\)', r'](\1.html\2)', src(cell))
            cell['source'] = code_in_headings(link_names(text, links))
            cells.append(cell); continue
        if cell['cell_type'] != 'code': cells.append(cell); continue
        ds = directives(cell)
        names = [d.split(':')[0].split()[0] if d else '' for d in ds]
        opts = {d.split(':', 1)[0].strip(): d.split(':', 1)[1].strip().lower() for d in ds if ':' in d}
        if 'hide' in names or 'default_exp' in names or opts.get('include') == 'false': continue
        lines = src(cell).splitlines()
        while lines and (DIRECTIVE.match(lines[0]) or not lines[0].strip()): lines.pop(0)
        cell['source'] = '\n'.join(lines)
        if opts.get('echo') == 'false': cell.setdefault('metadata', {}).setdefault('tags', []).append('remove_input')
        if opts.get('output') == 'false': cell['outputs'] = []
        outputs = []
        for o in cell.get('outputs', []):
            data = o.get('data', {})
            if WIDGET in data:
                if ''.join(data.get('text/plain', '')).startswith('interactive('):   # an explorer; else a progress bar
                    outputs += widget_static(data[WIDGET].get('model_id'), wstate)
                continue
            outputs.append(o)
        cell['outputs'] = outputs
        if not cell['source'].strip() and not outputs: continue
        cells.append(cell)
    out['cells'] = cells
    return out


def gallery_cell(methods):
    "A markdown cell with one card per method notebook: picture, title, caption, link."
    cards = []
    for nb, has_png, caption in methods:
        img = (f'<a href="{nb.page}"><img src="assets/gallery/{nb.stem}.png" alt="{html.escape(nb.title)}"></a>'
               if has_png else '')
        cards.append(f'<figure class="dd-card">{img}<figcaption><a href="{nb.page}"><strong>{html.escape(nb.title)}'
                     f'</strong></a><br>{html.escape(caption)}</figcaption></figure>')
    body = '\n'.join(cards)
    return dict(cell_type='markdown', metadata={}, id='dd-gallery',
                source=f'## The methods at a glance\n\n<div class="dd-gallery">\n{body}\n</div>\n')


# --------------------------------------------------------------------------------------------------------- API pages
def _anno(a):
    if a is inspect.Parameter.empty: return None
    if isinstance(a, str): return a
    if isinstance(a, type): return a.__name__
    return repr(a).replace('typing.', '')


def _default(d):
    if d is inspect.Parameter.empty: return None
    if isinstance(d, type): return d.__name__
    r = repr(d)
    return r if len(r) <= 60 else r[:57] + '...'


def _signature(obj):
    try: return inspect.signature(obj)
    except (TypeError, ValueError): return None


def format_signature(name, sig, prefix='def '):
    if sig is None: return f'{prefix}{name}'
    parts, seen_kwonly = [], False
    for p in sig.parameters.values():
        if p.name in ('self', 'cls') and not parts: continue
        if p.kind is p.VAR_POSITIONAL: seen_kwonly = True
        if p.kind is p.KEYWORD_ONLY and not seen_kwonly: parts.append('*'); seen_kwonly = True
        s = {p.VAR_POSITIONAL: '*', p.VAR_KEYWORD: '**'}.get(p.kind, '') + p.name
        a, d = _anno(p.annotation), _default(p.default)
        if a: s += f': {a}'
        if d is not None: s += f' = {d}' if a else f'={d}'
        parts.append(s)
    ret = _anno(sig.return_annotation)
    tail = f' -> {ret}' if ret else ''
    one = f'{prefix}{name}({", ".join(parts)}){tail}'
    if len(one) <= 100: return one
    return f'{prefix}{name}(\n' + ''.join(f'    {p},\n' for p in parts) + f'){tail}'


def _cell(s): return (s or '').replace('|', '\\|').replace('\n', ' ')


def _code(s):
    if not s: return ''
    s = s.replace('|', '\\|')
    return f'`` {s} ``' if '`' in s else f'`{s}`'


RETURNS = object()


def params_table(obj, sig, linker=lambda s: s):
    "Markdown table of the parameters and their docments comments, nbdev style; empty when no parameter has one."
    if sig is None: return ''
    try:
        from fastcore.docments import docments
        docs = docments(obj, full=True)
    except Exception:
        docs = {}
    rows = []
    for p in sig.parameters.values():
        if p.name in ('self', 'cls'): continue
        name = {p.VAR_POSITIONAL: '*', p.VAR_KEYWORD: '**'}.get(p.kind, '') + p.name
        doc = (docs.get(p.name) or {}).get('docment')
        rows.append((name, _anno(p.annotation), _default(p.default), doc))
    ret_doc = (docs.get('return') or {}).get('docment')
    ret = _anno(sig.return_annotation)
    if ret_doc or ret: rows.append((RETURNS, ret, None, ret_doc))
    if not any(doc for *_, doc in rows): return ''   # without a parameter comment the signature says it all
    cells = [('**returns**' if name is RETURNS else _code(name), _code(a), _code(d), linker(_cell(doc)))
             for name, a, d, doc in rows]
    keep = [0] + [j for j in (1, 2, 3) if any(c[j] for c in cells)]   # leave out columns that are empty in every row
    head = ['', 'type', 'default', 'details']
    lines = ['| ' + ' | '.join(head[j] for j in keep) + ' |', '|' + '---|' * len(keep)]
    lines += ['| ' + ' | '.join(c[j] for j in keep) + ' |' for c in cells]
    return '\n'.join(lines)


def _own_doc(obj):
    doc = obj.__dict__.get('__doc__') if isinstance(obj, type) else getattr(obj, '__doc__', None)
    if isinstance(obj, type) and dataclasses.is_dataclass(obj) and doc and doc.startswith(obj.__name__ + '('): doc = None
    return inspect.cleandoc(doc) if doc else ''


def _anchor(name): return name.replace('.', '-')


def _kind(obj):
    return ('class' if isinstance(obj, type) else 'property' if isinstance(obj, property)
            else 'function' if callable(obj) else 'constant')


def symbol_md(name, obj, level=3, linker=lambda s: s):
    "The API entry of one symbol: heading, signature, docstring, parameter table."
    kind, short = _kind(obj), name.split('.')[-1]
    out = [f'{"#" * level} `{name}` {{ #{_anchor(name)} data-toc-label="{name}" }}', '']
    if kind == 'constant':
        r = repr(obj)
        return '\n'.join(out + ['```python', f'{short} = {r if len(r) <= 300 else r[:297] + "..."}', '```', ''])
    if kind == 'property':
        out += ['```python', f'@property {short}', '```', '']
        if obj.__doc__: out += [linker(inspect.cleandoc(obj.__doc__)), '']
        return '\n'.join(out)
    sig = _signature(obj)
    if kind == 'class' and sig is not None: sig = sig.replace(return_annotation=inspect.Signature.empty)   # __init__'s None
    out += ['```python', format_signature(short, sig, prefix='class ' if kind == 'class' else 'def '), '```', '']
    if kind == 'class':
        bases = [b.__name__ for b in obj.__bases__ if b is not object]
        if bases: out += [linker('Subclass of ' + ', '.join(f'`{b}`' for b in bases) + '.'), '']
    doc = _own_doc(obj)
    if doc: out += [linker(doc), '']
    table = params_table(obj, sig, linker)
    if table: out += [table, '']
    return '\n'.join(out)


def load_modidx():
    try: return importlib.import_module(f'{LIB}._modidx').d['syms']
    except Exception: return {}


def api_symbols(notebooks, warn):
    "[(module name, module, notebook, [(qualified name, object, level)])] of every exported symbol, in notebook order."
    sys.path.insert(0, str(ROOT))
    modidx = load_modidx()
    by_module = {nb.module: nb for nb in notebooks if nb.module}
    modules = list(by_module) + sorted(m for m in modidx if m not in by_module and not m.split('.')[-1].startswith('_'))
    out = []
    for modname in modules:
        try: mod = importlib.import_module(modname)
        except Exception as e:
            warn(f'cannot import {modname} for its API page: {type(e).__name__}: {e}'); continue
        methods = [k[len(modname) + 1:] for k in modidx.get(modname, {})]
        syms = []
        for name in getattr(mod, '__all__', []):
            if not hasattr(mod, name):
                warn(f'{modname}.__all__ names {name!r}, which the module does not define'); continue
            obj = getattr(mod, name)
            syms.append((name, obj, 2))
            if not isinstance(obj, type): continue
            for m in methods:   # public methods of the class (also those added with @patch), as nbdev records them
                cls, _, meth = m.partition('.')
                if cls != name or not meth or '.' in meth or (meth.startswith('_') and meth != '__call__'): continue
                attr = inspect.getattr_static(obj, meth, None)
                if isinstance(attr, (staticmethod, classmethod)): attr = attr.__func__
                elif attr is not None and not (inspect.isfunction(attr) or isinstance(attr, property)):
                    attr = getattr(obj, meth, None)   # e.g. a class method added with fastcore's @patch(cls_method=True)
                if attr is not None: syms.append((f'{name}.{meth}', attr, 3))
        out.append((modname, mod, by_module.get(modname), syms))
    return out


def api_pages(notebooks, warn):
    "{relative path: markdown} of the API reference, and {symbol: link from the site root} for cross-links."
    modules = api_symbols(notebooks, warn)
    where = {}
    for modname, _, _, syms in modules:
        for name, _, _ in syms: where.setdefault(name, f'{modname.split(".")[-1]}.md#{_anchor(name)}')
    linker = lambda text: link_names(text, where)   # API pages link to each other as .md: mkdocs checks the links
    pages, overview = {}, []
    for modname, mod, nb, syms in modules:
        short = modname.split('.')[-1]
        md = [f'# `{modname}`', '']
        if nb:
            md += [f'From the notebook [{nb.stem}: {nb.title}](../{nb.path.name}).', '']
            if nb.summary: md += [f'> {linker(nb.summary)}', '']
        md += [symbol_md(name, obj, level, linker) for name, obj, level in syms]
        pages[f'api/{short}.md'] = '\n'.join(md)
        overview += [f'## [`{modname}`]({short}.md)', '']
        if nb and nb.summary: overview += [nb.summary, '']
        overview += [', '.join(f'[`{name}`]({where[name]})' for name, _, level in syms if level == 2), '']
    pages['api/index.md'] = '\n'.join(['# API reference', '', 'Every exported symbol (the names in each module\'s '
                                        '`__all__`), by module, in the order of the notebooks.', ''] + overview)
    links = {name: 'api/' + w.replace('.md#', '.html#') for name, w in where.items()}
    return pages, links


# -------------------------------------------------------------------------------------------------------------- build
def write(path: Path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding='utf-8')


def generate(src_dir: Path, site_dir: Path, strict=True):
    "Write the site's sources and its mkdocs config into `src_dir`; return (config path, notes)."
    notes = []
    warn = lambda m: notes.append('WARNING: ' + m)
    if src_dir.exists(): shutil.rmtree(src_dir)
    docs_dir = src_dir / 'docs'
    docs_dir.mkdir(parents=True)
    shutil.copytree(DOCS / 'assets', docs_dir / 'assets')
    shutil.copytree(DOCS / 'overrides', src_dir / 'overrides')   # theme.custom_dir is relative to the config
    notebooks = read_notebooks()
    if not any(nb.stem == 'index' for nb in notebooks): warn('nbs/index.ipynb is missing: the site has no landing page')
    api, links = api_pages(notebooks, warn)
    for path, text in api.items(): write(docs_dir / path, text)
    sys.path.insert(0, str(DOCS))
    import results as results_page   # docs/results.py
    for _, name in PAGES:
        if name == 'results.md': write(docs_dir / name, results_page.render())
        elif (DOCS / name).exists(): write(docs_dir / name, (DOCS / name).read_text(encoding='utf-8'))
        else: warn(f'docs/{name} is missing')
    links.update({nb.stem: nb.page for nb in notebooks})
    methods = []
    for nb in notebooks:
        if nb.layer != 'Methods': continue
        png, caption = signature_picture(nb)
        if png is not None:
            (docs_dir / 'assets' / 'gallery').mkdir(parents=True, exist_ok=True)
            (docs_dir / 'assets' / 'gallery' / f'{nb.stem}.png').write_bytes(png)
        else: notes.append(f'note: {nb.stem} has no stored PNG output, its gallery card has no picture')
        methods.append((nb, png is not None, caption))
    for nb in notebooks:
        page = process_notebook(nb, links)
        if nb.stem == 'index' and methods:
            first_md = next((i for i, c in enumerate(page['cells']) if c['cell_type'] == 'markdown'), -1)
            page['cells'].insert(first_md + 1, gallery_cell(methods))
        write(docs_dir / nb.path.name, json.dumps(page, indent=1, ensure_ascii=False))
    nav = [{'Home': 'index.ipynb'}] if any(nb.stem == 'index' for nb in notebooks) else []
    sections = {}
    for nb in notebooks:
        if nb.layer: sections.setdefault(nb.layer, []).append({f'{nb.stem[:2]} {nb.title}' if nb.number is not None
                                                               else nb.title: nb.path.name})
    for _, _, name in LAYERS + [(0, 0, OTHER_LAYER)]:
        if name in sections: nav.append({name: sections[name]})
    nav += [{title: name} for title, name in PAGES]
    nav.append({'API reference': ['api/index.md'] + [p for p in api if p != 'api/index.md']})
    config = {'INHERIT': str(DOCS / 'mkdocs.yml'), 'docs_dir': str(docs_dir), 'site_dir': str(site_dir),
              'strict': strict, 'nav': nav}
    cfg = src_dir / 'mkdocs.yml'
    write(cfg, json.dumps(config, indent=1))   # JSON is YAML
    return cfg, notes


def copy_mathjax(site_dir: Path):
    "MathJax 2 (the version nbconvert's pages configure) from the jupyter-server-mathjax package, for offline formulas."
    from dd_nb.core import package_dir
    folder = package_dir('jupyter_server_mathjax')   # located, not imported: importing it loads jupyter_server (2 s)
    if folder is None:
        return 'WARNING: jupyter-server-mathjax is not installed: formulas will not render (pip install -e ".[dev]")'
    shutil.copytree(folder / 'static', site_dir / 'assets' / 'mathjax', dirs_exist_ok=True)
    return None


def build(site_dir=DEFAULT_SITE, src_dir=None, strict=True):
    "Build the site into `site_dir`; return (ok, log). Generated sources go to `src_dir` (default: beside the site)."
    site_dir = Path(site_dir).resolve()
    src_dir = Path(src_dir).resolve() if src_dir else site_dir.parent / (site_dir.name + '_src')
    for d in (site_dir, src_dir):   # both are emptied: never a folder that holds anything but an earlier build
        if d.exists() and any(d.iterdir()) and not (d / MARKER).exists():
            return False, f'refusing to replace {d}: not empty and not made by docs/build.py'
    t0 = time.time()
    cfg, notes = generate(src_dir, site_dir, strict)
    (src_dir / MARKER).write_text('made by docs/build.py\n')
    env = dict(os.environ, NO_MKDOCS_2_WARNING='1')   # mkdocs-material's end-of-life banner: said in README instead
    r = subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '--strict' if strict else '--no-strict', '-f', str(cfg)],
                       cwd=src_dir, capture_output=True, text=True, env=env)
    log = '\n'.join(notes + [r.stdout.strip(), r.stderr.strip()]).strip()
    ok = r.returncode == 0 and not (strict and any(n.startswith('WARNING') for n in notes))
    if r.returncode == 0:
        (site_dir / MARKER).write_text('made by docs/build.py\n')
        m = copy_mathjax(site_dir)
        if m: log += '\n' + m; ok = ok and not strict
    log += f'\nsite: {site_dir / "index.html"} ({time.time() - t0:.1f} s)'
    return ok, log


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--site', default=str(DEFAULT_SITE), help='where the site goes (default: docs/_build/site)')
    p.add_argument('--src', default=None, help='where the generated sources go (default: beside the site)')
    p.add_argument('--no-strict', action='store_true', help='do not fail on warnings')
    a = p.parse_args(argv)
    ok, log = build(a.site, a.src, strict=not a.no_strict)
    print(log)
    return 0 if ok else 1


if __name__ == '__main__': sys.exit(main())
