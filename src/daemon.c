/* daemon: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int daemon_placeholder_t;
