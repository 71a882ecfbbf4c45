/* console: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int console_placeholder_t;
