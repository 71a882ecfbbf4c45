/* search: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int search_placeholder_t;
