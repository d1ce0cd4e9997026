"""casetui: casework to campaign imports, with the care the data deserves."""

import os

# polars allocates through jemalloc, which by default keeps freed pages for a
# while in case they are wanted again. A voter file of millions of rows frees
# hundreds of megabytes between stages; kept, they count against the machine
# (often a shared server) as if still in use: about 0.2 GB more at the peak of
# a match against a million voters. Returned at once, the match takes longer
# (about 6 s instead of 4.5 there). It must be set before polars loads; polars
# writes its own default into the environment, which a child process inherits,
# so that value counts as unset. Any other value is the operator's and is left
# alone.
_POLARS_DEFAULT = "dirty_decay_ms:500,muzzy_decay_ms:1000"
if os.environ.get("_RJEM_MALLOC_CONF", _POLARS_DEFAULT) == _POLARS_DEFAULT:
    os.environ["_RJEM_MALLOC_CONF"] = "dirty_decay_ms:0,muzzy_decay_ms:0"

__version__ = "0.1.0"
