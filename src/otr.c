/* otr: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int otr_placeholder_t;
