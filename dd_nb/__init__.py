__version__ = "0.1.0"

# Written by hand (nbdev only updates the version line). `import dd_nb` is light: it imports no torch, so `dd-nb --help`
# answers at once. Submodules (`dd_nb.data`, `dd_nb.distill`, ...) import on first use, and the method registry
# (`dd_nb.distill.METHODS`) imports every method module below the first time it is read; each registers its methods
# with `register_method`, so `distill(syn, data, 'datadam')` and the `dd-nb` command know every method after
# `import dd_nb` alone. A new method module adds its name to this one line:
METHOD_MODULES = ('distill', 'mtt', 'dc', 'datadam', 'haba', 'gold')

def load_methods():
    "Import every method module in `METHOD_MODULES` (each registers its methods); cheap after the first call."
    import importlib
    for name in METHOD_MODULES: importlib.import_module(f'{__name__}.{name}')

# Label sources (`dd_nb.labels.LABEL_SOURCES`) load the same way: a module that registers one with
# `register_label_source` adds its name to this line.
LABEL_MODULES = ('labels', 'hello')

def load_label_sources():
    "Import every module in `LABEL_MODULES` (each registers its label sources); cheap after the first call."
    import importlib
    for name in LABEL_MODULES: importlib.import_module(f'{__name__}.{name}')

def __getattr__(name):
    "`dd_nb.distill`, `dd_nb.data`, ...: a submodule is imported the first time it is used."
    import importlib, importlib.util
    if name.startswith('_') or importlib.util.find_spec(f'{__name__}.{name}') is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return importlib.import_module(f'{__name__}.{name}')
