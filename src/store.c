/* store: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int store_placeholder_t;
