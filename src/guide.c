/* guide: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int guide_placeholder_t;
