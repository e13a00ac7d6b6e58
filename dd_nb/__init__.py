__version__ = "0.1.0"

# Written by hand (nbdev only updates the version line). Importing the package imports every method module, and
# each registers its methods with `dd_nb.distill.register_method`, so `distill(syn, data, 'datadam')` and the
# `dd-nb` command know every method after `import dd_nb` alone. A new method module adds itself here.
from . import distill, datadam, haba, gold
