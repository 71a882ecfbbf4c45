/* bot: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int bot_placeholder_t;
