/* phrases: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int phrases_placeholder_t;
