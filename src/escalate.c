/* escalate: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int escalate_placeholder_t;
