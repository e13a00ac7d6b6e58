"""The results page of the documentation site, rendered from `benchmarks/results/` at build time (nothing typed).

    python docs/results.py               # print the page's markdown
    python docs/results.py --numbers     # print every `mean ± std` the page shows, one a line

A number lives in one place: the results file a benchmark script or a notebook wrote. `docs/build.py` turns every
file of that folder into a section of `results.md` named after the file:

- a `NAME.md` table (written by the script beside its `NAME.json`) is shown as it is: it carries its own protocol line;
- a `.json` / `.jsonl` file without such a table is searched for accuracy records: any object with `mean`/`std`,
  `accuracy_mean`/`accuracy_std`, `X_mean`/`X_std` or a list of `accuracies`. Each becomes a row with what it
  measured (the object's path in the file and its identifying fields: method, source, IPC, seed, ...), mean ± std
  (as stored; from `accuracies` with numpy's std when no mean is stored), the number of accuracies, and its protocol
  (the object's `protocol`, else the nearest enclosing one). Rows that differ only in `seed` are also pooled into one
  row over all their accuracies (`seeds pooled`);
- a JSON file without any accuracy record (timings, reference runs) is listed with its fields;
- a `.log` is shown verbatim (runs that stopped before writing a table).

The README's numbers are checked against `numbers(render())` by `tests/test_docs.py`."""
from __future__ import annotations

import json, math, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / 'benchmarks' / 'results'

# Fields that say *what* a record measured (shown in its label), in this order.
ID_FIELDS = ('method', 'source', 'setting', 'what', 'dataset', 'budget', 'kind', 'order', 'keep', 'ipc', 'factor',
             'init', 'stage', 'split', 'steps', 'rank', 'head_rank', 'online_loss', 'hard_weight', 'spec', 'minutes',
             'lr_source', 'seed')
# Protocol fields shown in the protocol column, in this order.
PROTO_FIELDS = ('protocol', 'dataset', 'ipc', 'model', 'n_models', 'epochs', 'lr', 'labels', 'temperature', 'split',
                'selection')
PAIRS = (('mean', 'std'), ('accuracy_mean', 'accuracy_std'))


def fmt(mean, std): return f'{mean:.1f} ± {std:.1f}'


def _std(xs):
    m = sum(xs) / len(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))   # numpy's (population) std, as `EvalResult`


def _is_num(x): return isinstance(x, (int, float)) and not isinstance(x, bool)


def _proto(p):
    if isinstance(p, str): return p
    if not isinstance(p, dict): return ''
    parts = []
    for k in PROTO_FIELDS:
        if k in p and p[k] not in (None, ''): parts.append(f'{k} {p[k]}')
    return ', '.join(parts)


def records(node, path=(), protocol=''):
    "Yield (label, mean, std, n, protocol, accuracies, id-without-seed) for every accuracy record inside `node`."
    if isinstance(node, list):
        for i, x in enumerate(node): yield from records(x, path + (f'[{i}]',) if not isinstance(x, dict) else path, protocol)
        return
    if not isinstance(node, dict): return
    here = _proto(node.get('protocol')) or _proto(node.get('_protocol')) or protocol
    if not here and isinstance(node.get('settings'), dict): here = _proto(node['settings'].get('evaluation', {})) or protocol
    ids = [(k, node[k]) for k in ID_FIELDS if k in node and isinstance(node[k], (str, int, float)) and not isinstance(node[k], bool)
           and not (k == 'protocol')]
    accs = node.get('accuracies')
    accs = accs if isinstance(accs, list) and accs and all(_is_num(a) for a in accs) else None
    found = False
    for mk, sk in PAIRS:
        if _is_num(node.get(mk)) and _is_num(node.get(sk)):
            found = True
            yield _row(path, ids, node[mk], node[sk], accs, here)
    if not found and accs:
        found = True
        yield _row(path, ids, sum(accs) / len(accs), _std(accs), accs, here)
    for k, v in node.items():   # X_mean / X_std pairs, e.g. a random baseline stored beside a result
        if k.endswith('_mean') and (k, k[:-5] + '_std') not in PAIRS and _is_num(v) and _is_num(node.get(k[:-5] + '_std')):
            yield _row(path + (k[:-5],), ids, v, node[k[:-5] + '_std'], None, here)
    for k, v in node.items():
        if k in ('protocol', '_protocol', 'accuracies') or not isinstance(v, (dict, list)): continue
        yield from records(v, path + (str(k),), here)


def _row(path, ids, mean, std, accs, protocol):
    label = ' / '.join(path)
    idtxt = ', '.join(f'{k} {v}' for k, v in ids)
    label = f'{label}: {idtxt}' if label and idtxt else (label or idtxt or '(file)')
    learned = dict(ids).get('lr_source') not in (None, 'fixed')   # a learned lr differs per seed: pool without it
    key = (' / '.join(path), tuple((k, v) for k, v in ids if k != 'seed'),
           re.sub(r'(^|, )lr [^,]+', '', protocol) if learned else protocol)
    return dict(label=label, mean=float(mean), std=float(std), n=len(accs) if accs else None, protocol=protocol,
                accuracies=accs, key=key, seed=dict(ids).get('seed'))


def pooled(rows):
    "Rows that differ only in `seed`, pooled: one row over all their accuracies (numpy's std)."
    groups = {}
    for r in rows:
        if r['seed'] is not None and r['accuracies']: groups.setdefault(r['key'], []).append(r)
    out = []
    for key, rs in groups.items():
        if len({r['seed'] for r in rs}) < 2: continue
        accs = [a for r in rs for a in r['accuracies']]
        path, ids, protocol = key
        idtxt = ', '.join(f'{k} {v}' for k, v in ids)
        label = ' / '.join(x for x in (path, idtxt) if x)
        seeds = ', '.join(str(r['seed']) for r in rs)
        out.append(dict(label=f'{label}: seeds {seeds} pooled', mean=sum(accs) / len(accs), std=_std(accs), n=len(accs),
                        protocol=protocol, accuracies=accs))
    return out


def _cell(s): return str(s).replace('|', '\\|').replace('\n', ' ')


def json_section(path: Path):
    "Markdown table of the accuracy records of one JSON / JSON-lines file ('' when it holds none)."
    text = path.read_text(encoding='utf-8')
    data = [json.loads(l) for l in text.splitlines() if l.strip()] if path.suffix == '.jsonl' else json.loads(text)
    rows = list(records(data))
    rows += pooled(rows)
    if not rows: return ''
    lines = ['| what | accuracy (%) | accuracies | protocol |', '|---|---|---|---|']
    lines += [f"| {_cell(r['label'])} | {fmt(r['mean'], r['std'])} | {r['n'] or ''} | {_cell(r['protocol'])} |" for r in rows]
    return '\n'.join(lines)


def _no_records(path: Path):
    "What a file without accuracy records holds (timings, settings, reference runs): its top-level keys."
    try: data = json.loads(path.read_text(encoding='utf-8')) if path.suffix == '.json' else None
    except json.JSONDecodeError: data = None
    keys = ', '.join(f'`{k}`' for k in data) if isinstance(data, dict) else ''
    return 'No accuracy records' + (f'; its fields: {keys}.' if keys else '.') + ' The notebook or script that reads it explains it.'


def sections(results=RESULTS):
    "[(file name, markdown)] for every results file, in name order."
    results = Path(results)
    out = []
    for p in sorted(results.iterdir()):
        if p.is_dir() or p.name.startswith('.'): continue
        if p.suffix == '.md':
            twin = p.with_suffix('.json')
            src = f'`{p.name}`' + (f' (rendered from `{twin.name}` by the script that wrote it)' if twin.exists() else '')
            text = re.sub(r'^(#{1,4}) ', lambda m: '#' * min(6, len(m.group(1)) + 2) + ' ', p.read_text(encoding='utf-8').strip(),
                          flags=re.M)   # its headings go under the file's section
            out.append((p.name, f'File: {src}.\n\n' + text))
        elif p.suffix in ('.json', '.jsonl'):
            if p.with_suffix('.md').exists(): continue   # its table is shown
            body = json_section(p) or _no_records(p)
            out.append((p.name, f'File: `{p.name}`.\n\n' + body))
        elif p.suffix == '.log':
            out.append((p.name, f'File: `{p.name}` (a log: the run wrote no table).\n\n```\n'
                        + p.read_text(encoding='utf-8').strip() + '\n```'))
    return out


def render(results=RESULTS):
    "The results page (markdown)."
    head = ['# Results', '',
            '> Every measurement of `benchmarks/results/`, rendered from the files when the site is built: '
            'a number lives in its file, this page only shows it.', '',
            'Each section is one file. Tables written by a benchmark script (`NAME.md` beside `NAME.json`) are '
            'shown as written, with their protocol line; other JSON files are shown as one row per accuracy record '
            '(what was measured, mean ± std over the accuracies listed, their number, the protocol recorded with '
            'them), plus rows pooled over seeds. Accuracies are final-epoch test accuracies unless the row says '
            '`split val`. The README quotes these numbers; the notebooks that made them explain them.', '']
    body = []
    for name, md in sections(results):
        body += [f'## {name}', '', md, '']
    return '\n'.join(head + body)


NUMBER = re.compile(r'(\d+(?:\.\d+)?) ± (\d+(?:\.\d+)?)')


def numbers(md):
    "Every `mean ± std` pair in markdown `md`, as strings ('87.8 ± 1.1'), bold markers removed."
    return {f'{a} ± {b}' for a, b in NUMBER.findall(md.replace('**', ''))}


if __name__ == '__main__':
    page = render()
    print('\n'.join(sorted(numbers(page))) if '--numbers' in sys.argv else page)
