#!/usr/bin/env python3
"""What the emulator starts for a Python function: `python3 -u bootstrap.py` (runtime_loop.py).

The loop lives in runtime_loop.py because Python compiles a script at every start (~10 ms for the
loop) but caches an imported module's bytecode in __pycache__.
"""

import sys

import runtime_loop

# Out of sys.modules, so that a module of the function's with the same name shadows nothing.
del sys.modules["runtime_loop"]
sys.exit(runtime_loop.main())
