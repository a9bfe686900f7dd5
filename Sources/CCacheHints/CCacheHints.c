// The module is its header (CCacheHints.h, static inline); a C target needs one source file.
#include "CCacheHints.h"
