"""Every notebook in nbs/ is a test case: its cells run top to bottom, skipping the cells whose flags
settings.ini lists in `tst_flags` (`slow`, `notest`), exactly as `nbdev_test` does."""
from pathlib import Path
import pytest
from nbdev.config import get_config
from nbdev.test import test_nb as run_notebook  # renamed: pytest would collect `test_nb` as a test

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if not p.name.startswith('_'))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 7, NOTEBOOKS


@pytest.mark.parametrize('nb', NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook(nb):
    flags = get_config(path=ROOT).get('tst_flags', '').split()
    ok, seconds = run_notebook(nb, skip_flags=flags, basepath=ROOT)
    assert ok, f'{nb.name} failed (see the traceback above)'


DRAWS = ('test_fig_exists', '.show(', 'show_images(', 'plt.subplots', 'plot_')


def _stored_pngs(nb):
    import json
    cells = json.loads(nb.read_text())['cells']
    drawing = [c for c in cells if c['cell_type'] == 'code' and any(d in ''.join(c['source']) for d in DRAWS)
               and not ''.join(c['source']).lstrip().startswith('#| export')]
    pngs = sum('image/png' in o.get('data', {}) for c in cells if c['cell_type'] == 'code' for o in c.get('outputs', []))
    return drawing, pngs


@pytest.mark.parametrize('nb', NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_that_draws_has_stored_pictures(nb):
    "A reader of the docs site sees the pictures without running anything: a notebook that draws is committed with them."
    drawing, pngs = _stored_pngs(nb)
    assert not drawing or pngs > 0, f'{nb.name} draws ({len(drawing)} cells) but was committed without any stored image output'
