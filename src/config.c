/* config: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int config_placeholder_t;
