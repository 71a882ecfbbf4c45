/* duty: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int duty_placeholder_t;
